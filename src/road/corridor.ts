import type { PixelPoint, PixelWindow } from '../types.js';
import { clipSegmentToRect } from './geometry.js';
import type { RoadModel } from './types.js';

/**
 * Which windows meet the road corridor, for reading only those tiles. A window counts when the
 * road passes within `corridorPx` pixels of it (tested against the window grown by that much on
 * every side, which errs toward reading a tile too many, never one too few).
 *
 * @example tilesMeetingCorridor(road, tiles.map((t) => t.window), corridor_m / gsd_m)
 */
export function tilesMeetingCorridor(road: RoadModel, windows: readonly PixelWindow[], corridorPx: number): boolean[] {
  const segments = road.parts.flatMap((part) =>
    part.pixel.slice(1).map((b, i) => {
      const a = part.pixel[i];
      return { a, b, minX: Math.min(a[0], b[0]), maxX: Math.max(a[0], b[0]), minY: Math.min(a[1], b[1]), maxY: Math.max(a[1], b[1]) };
    }),
  );
  return windows.map((w) => {
    const x0 = w.x - corridorPx;
    const y0 = w.y - corridorPx;
    const x1 = w.x + w.width + corridorPx;
    const y1 = w.y + w.height + corridorPx;
    return segments.some(
      (s) => s.maxX >= x0 && s.minX <= x1 && s.maxY >= y0 && s.minY <= y1 && clipSegmentToRect(s.a, s.b, x0, y0, x1, y1) !== null,
    );
  });
}

/**
 * The cells of a grid (`cols` × `rows` squares of `cell` pixels, row-major) that meet the road
 * corridor (the road's lines in pixels, in order), by the same test as tilesMeetingCorridor (the cell grown by `corridorPx` meets the
 * line), each with how far along the road (pixels of line from its start) it is first met:
 * Infinity where the corridor does not reach. Row by row, the part of each segment inside the row
 * band gives the cells' column range directly, so a long segment costs its own cells, not its
 * bounding box's.
 *
 * @example cellsAlongCorridor(road.parts.map((p) => p.pixel), 2188, 47, 32, 50)[47 * 10 + 3] // Infinity, or ~px along the line
 */
export function cellsAlongCorridor(lines: readonly (readonly PixelPoint[])[], cols: number, rows: number, cell: number, corridorPx: number): Float64Array {
  const along = new Float64Array(cols * rows).fill(Infinity);
  let start = 0;
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const a = line[i - 1];
      const b = line[i];
      const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const r0 = Math.max(0, Math.floor((Math.min(a[1], b[1]) - corridorPx) / cell));
      const r1 = Math.min(rows - 1, Math.floor((Math.max(a[1], b[1]) + corridorPx) / cell));
      for (let r = r0; r <= r1; r++) {
        const band = clipSegmentToRect(a, b, -Infinity, r * cell - corridorPx, Infinity, (r + 1) * cell + corridorPx);
        if (!band) continue;
        const xa = a[0] + (b[0] - a[0]) * band[0];
        const xb = a[0] + (b[0] - a[0]) * band[1];
        const c0 = Math.max(0, Math.floor((Math.min(xa, xb) - corridorPx) / cell));
        const c1 = Math.min(cols - 1, Math.floor((Math.max(xa, xb) + corridorPx) / cell));
        for (let c = c0; c <= c1; c++) {
          // Where along the segment the cell's centre projects: orders the cells of one long segment too.
          const t = length > 0 ? Math.min(1, Math.max(0, (((c + 0.5) * cell - a[0]) * (b[0] - a[0]) + ((r + 0.5) * cell - a[1]) * (b[1] - a[1])) / (length * length))) : 0;
          const k = r * cols + c;
          along[k] = Math.min(along[k], start + t * length);
        }
      }
      start += length;
    }
  }
  return along;
}
