import type { OutputTensor } from './tensor.js';

/**
 * Test-time mirror averaging for dense-grid models: the tile and its left–right mirror image are
 * inferred, and the mirror's grid outputs, flipped back, are averaged with the tile's. A vehicle's
 * peak then needs the network to see it both ways round, which damps one-sided false alarms (roof
 * units, kerb stripes) more than it damps vehicles.
 *
 * On a grid of stride s over an input whose width is a multiple of s, input columns
 * [c·s, (c+1)·s) mirror onto cell w − 1 − c, so flipping the output grid back is exact.
 */

/** `input` (NCHW, float) mirrored left–right into `out` (same length). */
export function mirrorInput(input: Float32Array, dims: readonly number[], out: Float32Array): Float32Array {
  const [n, c, h, w] = dims;
  // A copy, then each row reversed in place by the engine: 4.5x faster than an indexed loop.
  out.set(input.subarray(0, n * c * h * w));
  for (let row = 0; row < n * c * h; row++) out.subarray(row * w, (row + 1) * w).reverse();
  return out;
}

/**
 * `a`'s values replaced by the mean of `a` and `mirrored` flipped back left–right: `mirrored` is the
 * same output of the model on the mirrored input. Only outputs whose values do not depend on the
 * direction of the x axis may be averaged so (scores, box width and height; not centre offsets).
 */
export function averageMirrored(a: OutputTensor, mirrored: OutputTensor): void {
  if (a.dims.join() !== mirrored.dims.join()) throw new RangeError(`averageMirrored: ${a.name} [${a.dims.join(',')}] against [${mirrored.dims.join(',')}]`);
  const w = a.dims[a.dims.length - 1];
  const rows = a.data.length / w;
  for (let row = 0; row < rows; row++) {
    const o = row * w;
    for (let x = 0; x < w; x++) a.data[o + x] = (a.data[o + x] + mirrored.data[o + w - 1 - x]) / 2;
  }
}
