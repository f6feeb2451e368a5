import sharp from 'sharp';
import { resolveBands } from '../raster/common.js';
import { SatcountError, type RgbImage } from '../types.js';

export interface LoadedImage {
  image: RgbImage;
  /** Metres per pixel stated by the file; null when it states none. */
  gsd_m: number | null;
}

/**
 * Decodes a PNG, JPEG or plain TIFF to 8-bit RGB; transparent pixels are marked invalid. Such
 * files carry no pixel size (GeoTIFFs go through the raster reader, which the caller passes in
 * as `EvalOptions.load`). `bands` (1-based, one or three) picks channels as `count` does.
 */
export async function loadPlainImage(path: string, bands?: number[]): Promise<LoadedImage> {
  const meta = await sharp(path)
    .metadata()
    .catch((e: Error) => {
      throw new SatcountError(`${path}: cannot decode image (${e.message})`);
    });
  const colourBands = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
  // sRGB conversion turns grey into three equal channels, so bands are chosen among R, G, B.
  const chosen = bands ? resolveBands(path, bands, colourBands) : [0, 1, 2];
  const pick = chosen.length === 1 ? [chosen[0], chosen[0], chosen[0]] : colourBands === 1 ? [0, 0, 0] : chosen;
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
    rgb[i * 3] = data[i * 4 + pick[0]];
    rgb[i * 3 + 1] = data[i * 4 + pick[1]];
    rgb[i * 3 + 2] = data[i * 4 + pick[2]];
    valid[i] = data[i * 4 + 3] > 0 ? 1 : 0;
    if (valid[i] === 0) allValid = false;
  }
  return { image: { width: info.width, height: info.height, data: rgb, valid: allValid ? null : valid }, gsd_m: null };
}
