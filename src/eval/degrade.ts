import sharp from 'sharp';
import { jpegRoundTrip, SENSOR } from '../optics/sensor.js';
import { createRng } from '../random/prng.js';
import { SettingsError, type RgbImage } from '../types.js';

/**
 * Degrades an aerial image to `dstGsd` metres per pixel as a satellite would see it (optics/sensor.ts): an
 * anti-aliased downsample by srcGsd / dstGsd, optical blur, sensor noise from a seeded generator
 * (the same seed gives the same bytes), and a JPEG round-trip. Labels follow with
 * `box * scale` (the rounding of the output size moves them by under a pixel at the far edge).
 *
 * @example const { image, scale } = await degradeToGsd(rgb, 0.13, 0.3, 1); // scale ≈ 0.433
 */
export async function degradeToGsd(
  rgb: RgbImage,
  srcGsd: number,
  dstGsd: number,
  seed = 0,
): Promise<{ image: RgbImage; scale: number }> {
  if (!(srcGsd > 0) || !(dstGsd > 0)) {
    throw new SettingsError('simulateGsd', (n) => `${n}: pixel sizes must be positive (source ${srcGsd} m, target ${dstGsd} m)`);
  }
  if (dstGsd < srcGsd) {
    throw new SettingsError('simulateGsd', (n) => `${n} ${dstGsd} is finer than the image's ${fmt(srcGsd)} m per pixel: it can only coarsen`);
  }
  const scale = srcGsd / dstGsd;
  const width = Math.max(1, Math.round(rgb.width * scale));
  const height = Math.max(1, Math.round(rgb.height * scale));
  const raw = { width: rgb.width, height: rgb.height, channels: 3 as const };
  // libvips reduces anti-aliased, like the OpenCV INTER_AREA training uses. Of sharp's kernels,
  // cubic came closest to INTER_AREA on KIT and Minsk frames (RMSE 0.6-1.3 DN after the blur,
  // below the sensor noise; lanczos3 0.9-1.8, mitchell 0.4-1.6).
  const small = await sharp(rgb.data, { raw }).resize(width, height, { kernel: 'cubic', fit: 'fill' }).raw().toBuffer();
  const blurred = await sharp(small, { raw: { width, height, channels: 3 } })
    .blur({ sigma: SENSOR.blurSigma_px, precision: 'float' })
    .raw()
    .toBuffer();
  addNoise(blurred, SENSOR.noiseSigma_dn, seed);
  const data = await jpegRoundTrip(blurred, width, height);
  return { image: { width, height, data, valid: await resizeMask(rgb, width, height) }, scale };
}

function addNoise(px: Uint8Array, sigma: number, seed: number): void {
  const random = createRng(seed).next;
  for (let i = 0; i < px.length; i += 2) {
    // Box–Muller gives two independent normals per pair of uniforms.
    const r = sigma * Math.sqrt(-2 * Math.log(1 - random()));
    const t = 2 * Math.PI * random();
    px[i] = clampByte(px[i] + r * Math.cos(t));
    if (i + 1 < px.length) px[i + 1] = clampByte(px[i + 1] + r * Math.sin(t));
  }
}

/** Nearest-neighbour, so a pixel stays either valid or not. */
async function resizeMask(rgb: RgbImage, width: number, height: number): Promise<Uint8Array | null> {
  if (!rgb.valid) return null;
  const mask = await sharp(rgb.valid, { raw: { width: rgb.width, height: rgb.height, channels: 1 } })
    .resize(width, height, { kernel: 'nearest', fit: 'fill' })
    .raw()
    .toBuffer();
  return new Uint8Array(mask);
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
