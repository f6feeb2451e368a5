import type { TypedArray } from 'geotiff';

/** Pure per-pixel conversions on pixel-interleaved samples (`channels` values per pixel). */

/** Copies channel `from[c]` of `data` into byte c of each RGB pixel. */
export function pickRgb(data: Uint8Array, channels: number, from: [number, number, number], rgb: Uint8Array, n: number): void {
  for (let c = 0; c < 3; c++) {
    for (let i = 0, s = from[c], o = c; i < n; i++, s += channels, o += 3) rgb[o] = data[s];
  }
}

/** JPEG's YCbCr (full range, ITU-R BT.601) to RGB, as libjpeg converts it. */
export function ycbcrToRgb(data: TypedArray, channels: number, rgb: Uint8Array, n: number): void {
  for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
    const y = data[s];
    const cb = data[s + 1] - 128;
    const cr = data[s + 2] - 128;
    rgb[o] = clampByte(y + 1.402 * cr);
    rgb[o + 1] = clampByte(y - 0.344136 * cb - 0.714136 * cr);
    rgb[o + 2] = clampByte(y + 1.772 * cb);
  }
}

/** TIFF palette (ColorMap: all reds, then greens, then blues, 16-bit) to RGB. */
export function paletteToRgb(data: TypedArray, channels: number, colorMap: ArrayLike<number>, rgb: Uint8Array, n: number): void {
  const third = colorMap.length / 3;
  for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
    const idx = data[s];
    rgb[o] = colorMap[idx] >> 8;
    rgb[o + 1] = colorMap[third + idx] >> 8;
    rgb[o + 2] = colorMap[2 * third + idx] >> 8;
  }
}

/** Linear stretch of channel `channel` onto byte `out` of each RGB pixel; NaN becomes 0. */
export function stretchChannel(
  data: TypedArray,
  channels: number,
  channel: number,
  low: number,
  high: number,
  rgb: Uint8Array,
  out: number,
  n: number,
): void {
  const k = 255 / (high - low);
  for (let i = 0, s = channel, o = out; i < n; i++, s += channels, o += 3) {
    const v = (data[s] - low) * k;
    rgb[o] = v > 0 ? (v >= 255 ? 255 : Math.round(v)) : 0;
  }
}

/** Clears `valid` where channel `channel` is 0 (alpha or mask). */
export function maskWhereZero(data: TypedArray, channels: number, channel: number, valid: Uint8Array): void {
  for (let i = 0, s = channel; i < valid.length; i++, s += channels) if (data[s] === 0) valid[i] = 0;
}

/** Clears `valid` where every channel in `shown` holds `nodata` (NaN matches NaN) or is NaN. */
export function maskNodata(data: TypedArray, channels: number, shown: number[], nodata: number, valid: Uint8Array): void {
  const nan = Number.isNaN(nodata);
  for (let i = 0, base = 0; i < valid.length; i++, base += channels) {
    if (valid[i] === 0) continue;
    let all = true;
    for (let c = 0; c < shown.length; c++) {
      const v = data[base + shown[c]];
      if (v === v && (nan || v !== nodata)) {
        all = false;
        break;
      }
    }
    if (all) valid[i] = 0;
  }
}

export function blankInvalid(rgb: Uint8Array, valid: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) {
    if (valid[i] === 0) {
      rgb[i * 3] = 0;
      rgb[i * 3 + 1] = 0;
      rgb[i * 3 + 2] = 0;
    }
  }
}

export function allSet(valid: Uint8Array): boolean {
  return valid.indexOf(0) === -1;
}

/** Valid, finite values of one channel (stretch statistics). */
export function validChannel(data: TypedArray, channels: number, channel: number, valid: Uint8Array): Float64Array {
  const out = new Float64Array(valid.length);
  let n = 0;
  for (let i = 0, s = channel; i < valid.length; i++, s += channels) {
    const v = data[s];
    if (valid[i] !== 0 && Number.isFinite(v)) out[n++] = v;
  }
  return out.subarray(0, n);
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
