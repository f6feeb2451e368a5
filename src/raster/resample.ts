import type { RgbImage } from '../types.js';

/**
 * Placement of an output window on a canvas of source pixels: output pixel (u, v) covers canvas
 * pixels from (offsetX + u * stepX, offsetY + v * stepY) on, where step = canvas px per output px.
 */
export interface Placement {
  offsetX: number;
  offsetY: number;
  stepX: number;
  stepY: number;
}

/**
 * Resamples an RGB canvas (with validity) to outW × outH: anti-aliasing lanczos3 when shrinking,
 * cubic when enlarging; the validity mask with nearest neighbour so it stays binary.
 */
export async function resampleRgb(
  canvas: RgbImage,
  place: Placement,
  outW: number,
  outH: number,
): Promise<RgbImage> {
  const identity =
    place.stepX === 1 && place.stepY === 1 && place.offsetX === 0 && place.offsetY === 0 &&
    canvas.width === outW && canvas.height === outH;
  if (identity) return canvas;
  // Resize the whole canvas so one canvas pixel becomes 1/step output pixels, then cut the window.
  const ox = place.offsetX / place.stepX;
  const oy = place.offsetY / place.stepY;
  const left = Math.floor(ox + 0.01);
  const top = Math.floor(oy + 0.01);
  const fracX = Math.max(0, ox - left);
  const fracY = Math.max(0, oy - top);
  // Overview reads start between output pixels; shift by the fraction rather than round it away.
  const shift = fracX > 0.01 || fracY > 0.01;
  const rw = Math.max(Math.round(canvas.width / place.stepX), left + outW + (shift ? 1 : 0));
  const rh = Math.max(Math.round(canvas.height / place.stepY), top + outH + (shift ? 1 : 0));
  const shrinking = place.stepX > 1 || place.stepY > 1;
  const kernel = shrinking ? 'lanczos3' : 'cubic';
  let data: Uint8Array;
  if (shift) {
    const resized = await resizeRaw(canvas.data, canvas.width, canvas.height, 3, rw, rh, kernel, 0, 0, rw, rh);
    data = shiftBilinear(resized, rw, left + fracX, top + fracY, outW, outH);
  } else {
    data = await resizeRaw(canvas.data, canvas.width, canvas.height, 3, rw, rh, kernel, left, top, outW, outH);
  }
  let valid: Uint8Array | null = null;
  if (canvas.valid) {
    const vl = Math.min(Math.round(ox), rw - outW);
    const vt = Math.min(Math.round(oy), rh - outH);
    valid = await resizeRaw(canvas.valid, canvas.width, canvas.height, 1, rw, rh, 'nearest', vl, vt, outW, outH);
    if (valid.indexOf(0) === -1) valid = null;
  }
  return { width: outW, height: outH, data, valid };
}

/** Samples RGB `src` (row length `srcW`) at (x0 + u, y0 + v) with bilinear weights. */
function shiftBilinear(src: Uint8Array, srcW: number, x0: number, y0: number, outW: number, outH: number): Uint8Array {
  const out = new Uint8Array(outW * outH * 3);
  const ix = Math.floor(x0);
  const iy = Math.floor(y0);
  const fx = x0 - ix;
  const fy = y0 - iy;
  const w00 = (1 - fx) * (1 - fy);
  const w10 = fx * (1 - fy);
  const w01 = (1 - fx) * fy;
  const w11 = fx * fy;
  const row = srcW * 3;
  for (let v = 0; v < outH; v++) {
    let s = ((iy + v) * srcW + ix) * 3;
    let o = v * outW * 3;
    for (let u = 0; u < outW * 3; u++, s++, o++) {
      out[o] = Math.round(w00 * src[s] + w10 * src[s + 3] + w01 * src[s + row] + w11 * src[s + row + 3]);
    }
  }
  return out;
}

async function resizeRaw(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  rw: number,
  rh: number,
  kernel: 'lanczos3' | 'cubic' | 'nearest',
  left: number,
  top: number,
  outW: number,
  outH: number,
): Promise<Uint8Array> {
  // sharp (libvips) loads on the first resampled tile: images at the model's scale never need it.
  const { default: sharp } = await import('sharp');
  let img = sharp(pixels, { raw: { width, height, channels } });
  if (rw !== width || rh !== height) img = img.resize(rw, rh, { kernel, fit: 'fill' });
  if (left !== 0 || top !== 0 || outW !== rw || outH !== rh) img = img.extract({ left, top, width: outW, height: outH });
  // sharp turns one-channel raw input into sRGB on output unless told otherwise.
  if (channels === 1) img = img.toColourspace('b-w');
  const buf = await img.raw().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
