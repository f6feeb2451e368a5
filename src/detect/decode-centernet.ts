import type { TileDetection } from '../types.js';
import type { DecodeParams, OutputTensor } from './tensor.js';

/**
 * satcount's own layout: `heatmap` [1,C,h,w] (sigmoid applied), `wh` [1,2,h,w] box width and
 * height in input pixels, `offset` [1,2,h,w] x and y of the centre inside its cell, in cells.
 * A cell of stride s covers input pixels [x·s, (x+1)·s), so its centre is at ((x + ox)·s, (y + oy)·s).
 * A detection is a cell whose best class score is at least the threshold and is the maximum of its
 * 3×3 neighbourhood; of equal neighbours the first in raster order wins, so a plateau yields one peak.
 */
export function decodeCenternet(
  [heatmap, wh, offset]: readonly [OutputTensor, OutputTensor, OutputTensor],
  p: DecodeParams,
): TileDetection[] {
  const [, classes, h, w] = heatmap.dims;
  const cells = h * w;
  const sx = p.inputWidth / w;
  const sy = p.inputHeight / h;
  const heat = heatmap.data;

  // Best score and class per cell, so the neighbourhood test reads one plane.
  const best = new Float32Array(cells);
  const bestClass = new Uint16Array(cells);
  best.set(heat.subarray(0, cells));
  for (let c = 1; c < classes; c++) {
    const plane = heat.subarray(c * cells, (c + 1) * cells);
    for (let i = 0; i < cells; i++) {
      if (plane[i] > best[i]) {
        best[i] = plane[i];
        bestClass[i] = c;
      }
    }
  }

  const out: TileDetection[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = best[i];
      if (v < p.score_threshold || !isPeak(best, w, h, x, y, v)) continue;
      const cx = (x + offset.data[i]) * sx;
      const cy = (y + offset.data[cells + i]) * sy;
      const bw = wh.data[i];
      const bh = wh.data[cells + i];
      out.push({ box: [cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], score: v, classIndex: bestClass[i] });
    }
  }
  return out;
}

function isPeak(best: Float32Array, w: number, h: number, x: number, y: number, v: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const ny = y + dy;
    if (ny < 0 || ny >= h) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const nx = x + dx;
      if (nx < 0 || nx >= w || (dx === 0 && dy === 0)) continue;
      const n = best[ny * w + nx];
      const earlier = dy < 0 || (dy === 0 && dx < 0);
      if (n > v || (earlier && n === v)) return false;
    }
  }
  return true;
}
