import type { PixelWindow } from '../types.js';
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
