import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { writeGeoTiff } from '../raster/tiff/write-geotiff.js';

/** Metres per pixel of the benchmark scenes: the shipped model's own resolution. */
export const BENCH_GSD = 0.3;
const ORIGIN_E = 500_000;
const ORIGIN_N = 5_500_000;

/** Cheap deterministic hash noise, so scenes compress like imagery rather than like flat colour. */
function hash(x: number, y: number): number {
  let h = Math.imul(x, 374761393) + Math.imul(y, 668265263);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return (h ^ (h >>> 16)) & 255;
}

/** A road centre line y(x) in pixels, for scenes that carry one. */
type RoadLine = (x: number) => number;

/** Car-sized bright and dark rectangles every ~9 m along both lanes of a road, so the model has vehicles to find. */
function vehicleAt(gx: number, gy: number, road: RoadLine): number | null {
  const off = gy - road(gx);
  const lane = off >= -12 && off < -6 ? 0 : off >= 6 && off < 12 ? 1 : -1;
  if (lane < 0) return null;
  const slot = Math.floor(gx / 30);
  // 15 px (4.5 m) long cars in 30 px slots, two of three slots taken, colour from the slot.
  if (gx - slot * 30 >= 15 || hash(slot, lane) % 3 === 0) return null;
  return hash(slot, lane + 7) > 128 ? 225 : 25;
}

function pixels(road: RoadLine | null) {
  return (x0: number, y0: number, w: number, h: number) => {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      const gy = y0 + y;
      for (let x = 0; x < w; x++) {
        const gx = x0 + x;
        const field = hash(gx >> 7, gy >> 7);
        const onRoad = road ? Math.abs(gy - road(gx)) < 20 : gy % 2000 < 40 || gx % 3000 < 30;
        const base = onRoad ? 70 : 60 + (field >> 1);
        const grain = (hash(gx, gy) >> 4) - 8;
        const i = (y * w + x) * 3;
        const car = road && onRoad ? vehicleAt(gx, gy, road) : null;
        if (car !== null) {
          out[i] = out[i + 1] = out[i + 2] = car + (grain >> 1);
          continue;
        }
        out[i] = base + grain + (onRoad ? 0 : field >> 3);
        out[i + 1] = base + grain + (onRoad ? 0 : 20);
        out[i + 2] = base + grain;
      }
    }
    return out;
  };
}

async function writeScene(path: string, width: number, height: number, road: RoadLine | null): Promise<string> {
  if (existsSync(path)) return path;
  await writeGeoTiff(
    path,
    {
      width,
      height,
      bands: 3,
      dtype: 'uint8',
      tileSize: 512,
      epsg: 32633,
      geoTransform: [ORIGIN_E, BENCH_GSD, 0, ORIGIN_N, 0, -BENCH_GSD],
      overviews: [2, 4, 8, 16].filter((f) => Math.min(width, height) / f >= 256),
      compressionLevel: 1,
    },
    pixels(road),
  );
  return path;
}

/**
 * Writes (once, then reuses) a size×size 3-band uint8 COG-like GeoTIFF: DEFLATE, 512-pixel tiles,
 * internal overviews, UTM 33N at 0.3 m: field-like blocks with grain and a few darker "roads".
 */
export async function benchScene(dir: string, size: number): Promise<string> {
  await mkdir(dir, { recursive: true });
  return writeScene(`${dir}/scene-${size}.tif`, size, size, null);
}

/** A straight road across the middle of a bench scene, as WGS84-free pixel GeoJSON. */
export function benchRoad(size: number): string {
  const y = Math.round(size * 0.37);
  return lineString([[0, y], [size, y + size * 0.02]]);
}

function lineString(coordinates: [number, number][]): string {
  return JSON.stringify({ type: 'Feature', properties: { name: 'bench road' }, geometry: { type: 'LineString', coordinates } });
}

/** Corridor scene: long and narrow, a road of `km` kilometres running gently across tile rows, with vehicles on it. */
export const CORRIDOR = { height: 1536, rise: 700, y0: 400 } as const;

/**
 * Writes (once) a scene `km` long at 0.3 m with a road from its left edge to its right edge,
 * climbing CORRIDOR.rise pixels so the corridor crosses block rows, and returns the image and
 * the road (pixel GeoJSON) paths.
 */
export async function corridorScene(dir: string, km: number): Promise<{ image: string; road: string; length_m: number }> {
  await mkdir(dir, { recursive: true });
  const width = Math.ceil((km * 1000) / BENCH_GSD);
  const line: RoadLine = (x) => CORRIDOR.y0 + (CORRIDOR.rise * x) / width;
  const image = await writeScene(`${dir}/corridor-${km}km.tif`, width, CORRIDOR.height, line);
  const road = `${dir}/corridor-${km}km.road.geojson`;
  writeFileSync(road, lineString([[0, line(0)], [width, line(width)]]));
  return { image, road, length_m: Math.hypot(width, CORRIDOR.rise) * BENCH_GSD };
}
