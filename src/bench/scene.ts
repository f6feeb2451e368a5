import { existsSync } from 'node:fs';
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

/**
 * Writes (once, then reuses) a size×size 3-band uint8 COG-like GeoTIFF: DEFLATE, 512-pixel tiles,
 * internal overviews, UTM 33N at 0.3 m: field-like blocks with grain and a few darker "roads".
 */
export async function benchScene(dir: string, size: number): Promise<string> {
  const path = `${dir}/scene-${size}.tif`;
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  await writeGeoTiff(
    path,
    {
      width: size,
      height: size,
      bands: 3,
      dtype: 'uint8',
      tileSize: 512,
      epsg: 32633,
      geoTransform: [ORIGIN_E, BENCH_GSD, 0, ORIGIN_N, 0, -BENCH_GSD],
      overviews: [2, 4, 8, 16].filter((f) => size / f >= 256),
      compressionLevel: 1,
    },
    (x0, y0, w, h) => {
      const out = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) {
        const gy = y0 + y;
        for (let x = 0; x < w; x++) {
          const gx = x0 + x;
          const field = hash(gx >> 7, gy >> 7);
          const road = gy % 2000 < 40 || gx % 3000 < 30;
          const base = road ? 70 : 60 + (field >> 1);
          const grain = (hash(gx, gy) >> 4) - 8;
          const i = (y * w + x) * 3;
          out[i] = base + grain + (road ? 0 : field >> 3);
          out[i + 1] = base + grain + (road ? 0 : 20);
          out[i + 2] = base + grain;
        }
      }
      return out;
    },
  );
  return path;
}

/** A straight road across the middle of a bench scene, as WGS84-free pixel GeoJSON. */
export function benchRoad(size: number): string {
  const y = Math.round(size * 0.37);
  return JSON.stringify({
    type: 'Feature',
    properties: { name: 'bench road' },
    geometry: { type: 'LineString', coordinates: [[0, y], [size, y + size * 0.02]] },
  });
}
