import sharp from 'sharp';
import proj4 from 'proj4';
import { writeGeoTiff } from '../../src/raster/tiff/write-geotiff.js';
import type { GeoTransform } from '../../src/types.js';

export const BLOB_MODEL = new URL('../models/blob-centernet.onnx', import.meta.url).pathname;

/** Centres of bright squares the blob test model detects exactly (see tests/models/README). */
export type Square = [cx: number, cy: number];

/** Dark ground with bright 14-pixel squares: what the blob model counts exactly. */
export function squaresRgb(width: number, height: number, squares: Square[], size = 14): Uint8Array {
  const rgb = new Uint8Array(width * height * 3).fill(40);
  for (const [cx, cy] of squares) {
    const x0 = Math.round(cx - size / 2);
    const y0 = Math.round(cy - size / 2);
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + size); y++) {
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + size); x++) rgb.fill(240, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  }
  return rgb;
}

export async function writeSquaresPng(path: string, width: number, height: number, squares: Square[]): Promise<void> {
  await sharp(squaresRgb(width, height, squares), { raw: { width, height, channels: 3 } }).png().toFile(path);
}

/** UTM 33N, 0.3 m pixels, origin at (500000, 5500000). */
export const UTM33_GT: GeoTransform = [500000, 0.3, 0, 5500000, 0, -0.3];
export const toLonLat = (x: number, y: number) => proj4('EPSG:32633', 'WGS84', [x, y]) as [number, number];

export async function writeSquaresTiff(path: string, width: number, height: number, squares: Square[], opts: { nodataRect?: [number, number, number, number] } = {}): Promise<void> {
  const rgb = squaresRgb(width, height, squares);
  if (opts.nodataRect) {
    const [x0, y0, x1, y1] = opts.nodataRect;
    for (let y = y0; y < y1; y++) rgb.fill(0, (y * width + x0) * 3, (y * width + x1) * 3);
  }
  await writeGeoTiff(
    path,
    { width, height, bands: 3, dtype: 'uint8', tileSize: 256, epsg: 32633, geoTransform: UTM33_GT, nodata: opts.nodataRect ? 0 : undefined },
    (x0, y0, w, h) => {
      const out = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++) out.set(rgb.subarray(((y0 + y) * width + x0) * 3, ((y0 + y) * width + x0 + w) * 3), y * w * 3);
      return out;
    },
  );
}

/**
 * Digital numbers of each band (R, G, B): offset + gain × v for a scene value v from 0 to 1. More
 * unlike each other than a real product's: blue lifted by path radiance, green eight times red's gain.
 */
const UNBALANCED_GAINS = [
  { offset: 150, gain: 500 },
  { offset: 300, gain: 4000 },
  { offset: 800, gain: 500 },
];

/** Scene value (0 to 1) of neutral grey bars: 8 levels, 32 px wide, dark to light. */
export const greyBar = (x: number): number => ((x >> 5) % 8) / 7;

/**
 * A 16-bit RGB GeoTIFF of a neutral grey scene (`value` of each pixel, the same in every band),
 * each band with its own gain and offset: its natural colour is grey, so whatever cast a read
 * shows comes from how it was stretched.
 */
export async function writeGreyUint16(path: string, width: number, height: number, value: (x: number, y: number) => number): Promise<void> {
  await writeGeoTiff(path, { width, height, bands: 3, dtype: 'uint16', tileSize: 256, epsg: 32633, geoTransform: UTM33_GT }, (x0, y0, w, h) =>
    Uint16Array.from({ length: w * h * 3 }, (_, i) => {
      const g = UNBALANCED_GAINS[i % 3];
      const p = Math.floor(i / 3);
      return Math.round(g.offset + g.gain * value(x0 + (p % w), y0 + Math.floor(p / w)));
    }),
  );
}
