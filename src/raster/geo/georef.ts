import { proj4 } from '../../packages/proj4.js';
import type { CrsPoint, GeoTransform, Georef, LonLat, PixelPoint, RasterInfo } from '../../types.js';
import { crsToPixelWith, pixelToCrsWith } from './transform.js';

const WGS84 = '+proj=longlat +datum=WGS84 +no_defs';

/**
 * Transforms between the image's pixel grid, its CRS and WGS84. Null when the image is not
 * georeferenced on Earth (no transform, no CRS, or a CRS of another planet).
 *
 * @example
 * const g = createGeoref(info);
 * const lonlat = g && g.crsToLonLat(g.pixelToCrs([10.5, 20.5]));
 */
export function createGeoref(info: RasterInfo): Georef | null {
  if (!info.georeferenced || !info.geoTransform || !info.crsProj4) return null;
  return georefFrom(info.geoTransform, info.crsProj4);
}

/** Transforms for an affine geotransform in the CRS given as a proj4 definition. */
export function georefFrom(gt: GeoTransform, def: string): Georef {
  const toWgs84 = proj4(def, WGS84);
  return {
    proj4: def,
    geographic: /\+proj=longlat\b/.test(def),
    pixelToCrs: (p: PixelPoint): CrsPoint => pixelToCrsWith(gt, p[0], p[1]),
    crsToPixel: (p: CrsPoint): PixelPoint => crsToPixelWith(gt, p[0], p[1]),
    crsToLonLat: (p: CrsPoint): LonLat => {
      const [lon, lat] = toWgs84.forward([p[0], p[1]]);
      return [lon, lat];
    },
    lonLatToCrs: (p: LonLat): CrsPoint => {
      const [x, y] = toWgs84.inverse([p[0], p[1]]);
      return [x, y];
    },
  };
}
