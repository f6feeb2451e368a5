import type { PixelPoint } from '../types.js';
import type { MetricPoint, RoadModel } from './types.js';

export interface RoadPiece {
  metric: MetricPoint[];
  pixel: PixelPoint[];
}

const lerp = (a: [number, number], b: [number, number], t: number): [number, number] => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

/**
 * The stretch of road between two chainages, as one piece per part it crosses (a queue drawn
 * on the map follows the road, bends included, and skips the gaps between parts).
 *
 * @example sliceRoad(road, 120, 980) // → [{ metric: [...], pixel: [...] }]
 */
export function sliceRoad(road: RoadModel, start_m: number, end_m: number): RoadPiece[] {
  const lo = Math.min(start_m, end_m);
  const hi = Math.max(start_m, end_m);
  const pieces: RoadPiece[] = [];
  for (const part of road.parts) {
    const c = part.chainage;
    if (c[c.length - 1] < lo || c[0] > hi) continue;
    const piece: RoadPiece = { metric: [], pixel: [] };
    for (let i = 0; i < c.length - 1; i++) {
      const a = c[i];
      const b = c[i + 1];
      if (b < lo || a > hi || b === a) continue;
      const t0 = Math.max(0, (lo - a) / (b - a));
      const t1 = Math.min(1, (hi - a) / (b - a));
      if (piece.metric.length === 0) {
        piece.metric.push(lerp(part.metric[i], part.metric[i + 1], t0));
        piece.pixel.push(lerp(part.pixel[i], part.pixel[i + 1], t0));
      }
      piece.metric.push(lerp(part.metric[i], part.metric[i + 1], t1));
      piece.pixel.push(lerp(part.pixel[i], part.pixel[i + 1], t1));
    }
    if (piece.metric.length >= 2) pieces.push(piece);
  }
  return pieces;
}
