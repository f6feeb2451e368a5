import proj4 from 'proj4';
import type { Georef, LonLat, PixelPoint } from '../../src/types.js';
import { buildRoadModel, makeFrame, parseRoad, type FrameImage } from '../../src/road/index.js';

export const UTM38 = '+proj=utm +zone=38 +datum=WGS84 +units=m +no_defs';

/** A north-up UTM 38N image: pixel (0, 0) at (e0, n0), `gsd` metres per pixel. */
export function utmImage(width: number, height: number, gsd: number, e0 = 450_000, n0 = 4_450_000): FrameImage {
  const toLonLat = proj4(UTM38, 'WGS84');
  const georef: Georef = {
    proj4: UTM38,
    geographic: false,
    pixelToCrs: ([x, y]) => [e0 + x * gsd, n0 - y * gsd],
    crsToPixel: ([e, n]) => [(e - e0) / gsd, (n0 - n) / gsd],
    crsToLonLat: (p) => toLonLat.forward(p) as LonLat,
    lonLatToCrs: (p) => toLonLat.inverse(p) as [number, number],
  };
  return { path: 'scene.tif', width, height, georef, gsd_m: gsd };
}

/** A pixel-only image where one pixel is `gsd` metres: metric = (x · gsd, −y · gsd). */
export function pixelImage(width: number, height: number, gsd = 1): FrameImage {
  return { path: 'export.png', width, height, georef: null, gsd_m: gsd };
}

/** A road in pixel coordinates on a pixel-only image, ready for placement. */
export function pixelRoad(parts: PixelPoint[][], image: FrameImage = pixelImage(1000, 1000)) {
  const geometry =
    parts.length === 1 ? { type: 'LineString', coordinates: parts[0] } : { type: 'MultiLineString', coordinates: parts };
  const frame = makeFrame(image);
  const road = buildRoadModel(parseRoad(JSON.stringify(geometry), 'road.geojson', { roadCrs: 'pixel' }), frame, image);
  return { road, frame, image };
}
