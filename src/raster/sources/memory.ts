import type { RasterSource } from '../types.js';
import { resampleRgb } from '../resample.js';
import type { PixelWindow, RgbImage } from '../../types.js';

/** Copies a window out of an in-memory image; pixels outside the image are invalid. */
function cropPadded(image: RgbImage, win: PixelWindow): RgbImage {
  const data = new Uint8Array(win.width * win.height * 3);
  const valid = new Uint8Array(win.width * win.height);
  const x0 = Math.max(0, win.x);
  const y0 = Math.max(0, win.y);
  const x1 = Math.min(image.width, win.x + win.width);
  const y1 = Math.min(image.height, win.y + win.height);
  for (let y = y0; y < y1; y++) {
    const src = y * image.width;
    const dst = (y - win.y) * win.width - win.x;
    data.set(image.data.subarray((src + x0) * 3, (src + x1) * 3), (dst + x0) * 3);
    if (image.valid) valid.set(image.valid.subarray(src + x0, src + x1), dst + x0);
    else valid.fill(1, dst + x0, dst + x1);
  }
  return { width: win.width, height: win.height, data, valid };
}

/**
 * A RasterSource over an image already in memory (eval's degraded images), so evaluation runs
 * the same tiling, inference and merging code as `count`.
 */
export function memorySource(path: string, image: RgbImage, gsd: number): RasterSource {
  return {
    info: {
      path,
      format: 'png',
      width: image.width,
      height: image.height,
      bands: 3,
      dtype: 'uint8',
      crs: null,
      crsProj4: null,
      geoTransform: null,
      gsd_m: gsd,
      georeferenced: false,
      nodata: null,
      tiled: false,
      blockWidth: image.width,
      blockHeight: 1,
      overviews: 0,
      alphaBand: null,
      hasMask: image.valid !== null,
    },
    georef: null,
    notes: [],
    grey: false,
    stretch: null,
    readRgb: (win, outW, outH) =>
      resampleRgb(cropPadded(image, win), { offsetX: 0, offsetY: 0, stepX: win.width / outW, stepY: win.height / outH }, outW, outH),
    close: async () => undefined,
  };
}
