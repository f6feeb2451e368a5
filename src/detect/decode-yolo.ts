import type { TileDetection } from '../types.js';
import type { DecodeParams, OutputTensor } from './tensor.js';

function centreBox(cx: number, cy: number, w: number, h: number): [number, number, number, number] {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

/** YOLOv5/v7 `[1, N, 5+nc]`: cx, cy, w, h, objectness, class scores; score = objectness × class score. */
export function decodeYolov5(out: OutputTensor, p: DecodeParams): TileDetection[] {
  const [, n, k] = out.dims;
  const d = out.data;
  const dets: TileDetection[] = [];
  for (let i = 0; i < n; i++) {
    const row = i * k;
    const obj = d[row + 4];
    if (obj < p.score_threshold) continue; // class scores are ≤ 1, so the product cannot reach it
    let cls = 0;
    let clsScore = d[row + 5];
    for (let c = 1; c < k - 5; c++) {
      if (d[row + 5 + c] > clsScore) {
        clsScore = d[row + 5 + c];
        cls = c;
      }
    }
    const score = obj * clsScore;
    if (score < p.score_threshold) continue;
    dets.push({ box: centreBox(d[row], d[row + 1], d[row + 2], d[row + 3]), score, classIndex: cls });
  }
  return dets;
}

interface Candidate {
  /** Column of the candidate in the output. */
  i: number;
  score: number;
  classIndex: number;
}

/** Columns whose best class score reaches the threshold, for outputs with class rows 4 .. 4+nc-1 of n columns. */
function bestClassColumns(d: Float32Array, nc: number, n: number, threshold: number): Candidate[] {
  // Walk class rows in memory order and keep the best per candidate; column-wise walks thrash the cache.
  const best = d.slice(4 * n, 5 * n);
  const bestClass = new Uint16Array(n);
  for (let c = 1; c < nc; c++) {
    const base = (4 + c) * n;
    for (let i = 0; i < n; i++) {
      if (d[base + i] > best[i]) {
        best[i] = d[base + i];
        bestClass[i] = c;
      }
    }
  }
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) if (best[i] >= threshold) out.push({ i, score: best[i], classIndex: bestClass[i] });
  return out;
}

/** YOLOv8/11 `[1, 4+nc, N]`: rows cx, cy, w, h, then one row of scores per class. */
export function decodeYolov8(out: OutputTensor, p: DecodeParams): TileDetection[] {
  const [, k, n] = out.dims;
  const d = out.data;
  return bestClassColumns(d, k - 4, n, p.score_threshold).map(({ i, score, classIndex }) => ({
    box: centreBox(d[i], d[n + i], d[2 * n + i], d[3 * n + i]),
    score,
    classIndex,
  }));
}

/** YOLO26 end-to-end `[1, M, 6]`: x1, y1, x2, y2, score, class, already suppressed by the model. */
export function decodeYolo26(out: OutputTensor, p: DecodeParams): TileDetection[] {
  const [, m] = out.dims;
  const d = out.data;
  const dets: TileDetection[] = [];
  for (let i = 0; i < m; i++) {
    const row = i * 6;
    const score = d[row + 4];
    if (!(score >= p.score_threshold)) continue;
    dets.push({ box: [d[row], d[row + 1], d[row + 2], d[row + 3]], score, classIndex: Math.round(d[row + 5]) });
  }
  return dets;
}

/**
 * Ultralytics oriented boxes (YOLOv8/11-OBB) `[1, 4+nc+1, N]`: rows cx, cy, w, h, one row of
 * scores per class, then the angle in radians. Each rotated box becomes the axis-aligned box
 * that contains it, as the rest of the pipeline works with axis-aligned boxes.
 */
export function decodeYolov8Obb(out: OutputTensor, p: DecodeParams): TileDetection[] {
  const [, k, n] = out.dims;
  const d = out.data;
  return bestClassColumns(d, k - 5, n, p.score_threshold).map(({ i, score, classIndex }) => {
    const w = d[2 * n + i];
    const h = d[3 * n + i];
    const a = d[(k - 1) * n + i];
    const c = Math.abs(Math.cos(a));
    const s = Math.abs(Math.sin(a));
    return { box: centreBox(d[i], d[n + i], w * c + h * s, w * s + h * c), score, classIndex };
  });
}
