import type { Normalization } from '../types.js';

/**
 * Per-channel lookup tables, in model channel order: 256 values each of (v / 255 − mean) / std.
 * Built once per model so each tile costs one table read per sample.
 */
export function normalizationTables(n: Normalization): Float32Array[] {
  return [0, 1, 2].map((c) => {
    const t = new Float32Array(256);
    for (let v = 0; v < 256; v++) t[v] = (v / 255 - n.mean[c]) / n.std[c];
    return t;
  });
}

/**
 * Writes interleaved RGB bytes into `out` as planar CHW floats in the model's channel order
 * (`order: 'bgr'` puts blue in plane 0), applying the tables from `normalizationTables`.
 */
export function fillInput(rgb: Uint8Array, pixels: number, order: Normalization['order'], tables: Float32Array[], out: Float32Array): void {
  if (rgb.length !== pixels * 3) throw new RangeError(`fillInput: expected ${pixels * 3} bytes, got ${rgb.length}`);
  if (out.length !== pixels * 3) throw new RangeError(`fillInput: output holds ${out.length} values, need ${pixels * 3}`);
  for (let plane = 0; plane < 3; plane++) {
    const src = order === 'rgb' ? plane : 2 - plane;
    const table = tables[plane];
    const base = plane * pixels;
    for (let i = 0, j = src; i < pixels; i++, j += 3) out[base + i] = table[rgb[j]];
  }
}
