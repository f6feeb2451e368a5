import sharp from 'sharp';
import { SatcountError, type RgbImage } from '../types.js';

export interface LoadedImage {
  image: RgbImage;
  /** Metres per pixel stated by the file; null when it states none. */
  gsd_m: number | null;
}

/**
 * Decodes a PNG, JPEG or plain TIFF to 8-bit RGB; transparent pixels are marked invalid. Such
 * files carry no pixel size (GeoTIFFs go through the raster reader, which the caller passes in
 * as `EvalOptions.load`).
 */
export async function loadPlainImage(path: string): Promise<LoadedImage> {
  const { data, info } = await sharp(path)
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((e: Error) => {
      throw new SatcountError(`${path}: cannot decode image (${e.message})`);
    });
  const n = info.width * info.height;
  const rgb = new Uint8Array(n * 3);
  const valid = new Uint8Array(n);
  let allValid = true;
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = data[i * 4];
    rgb[i * 3 + 1] = data[i * 4 + 1];
    rgb[i * 3 + 2] = data[i * 4 + 2];
    valid[i] = data[i * 4 + 3] > 0 ? 1 : 0;
    if (valid[i] === 0) allValid = false;
  }
  return { image: { width: info.width, height: info.height, data: rgb, valid: allValid ? null : valid }, gsd_m: null };
}
