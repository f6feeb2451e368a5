import sharp from 'sharp';

/**
 * The satellite sensor model, in one place: `synth` renders scenes through it and
 * `eval --simulate-gsd` degrades aerial images with it, so both show the model the same optics.
 * training/augment.py `simulate_gsd` mirrors these values for the validation degradation.
 */
export const SENSOR = {
  /** Gaussian point-spread function, sigma in destination pixels. */
  blurSigma_px: 0.6,
  /** Additive Gaussian sensor noise of an 8-bit product, sigma in digital numbers (0–255). */
  noiseSigma_dn: 2,
  /** Most delivered 8-bit products are JPEG-compressed at about this quality, 4:2:0 chroma. */
  jpegQuality: 85,
} as const;

/** 8-bit RGB through the sensor's JPEG compression and back. */
export async function jpegRoundTrip(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: SENSOR.jpegQuality, chromaSubsampling: '4:2:0' })
    .toBuffer();
  return new Uint8Array(await sharp(jpeg).raw().toBuffer());
}
