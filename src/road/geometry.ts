/**
 * Planar helpers for the working frame and the pixel grid. The frame is a local conformal
 * projection (frame.ts), so straight-segment algebra there is ground geometry; no geodesy here.
 */

type Xy = readonly [number, number];

/**
 * Liang–Barsky: the part of segment a→b inside the rectangle [x0, x1] × [y0, y1], as the
 * parameter range [t0, t1] ⊂ [0, 1], or null when the segment misses the rectangle.
 */
export function clipSegmentToRect(a: Xy, b: Xy, x0: number, y0: number, x1: number, y1: number): [number, number] | null {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, a[0] - x0],
    [dx, x1 - a[0]],
    [-dy, a[1] - y0],
    [dy, y1 - a[1]],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [t0, t1];
}

/** Foot of the perpendicular from p on the line through a→b, as the (unclamped) parameter t. */
export function projectionParameter(p: Xy, a: Xy, b: Xy): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  return ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
}

/** z of (b − a) × (p − a): positive when p lies left of a→b in a right-handed (x east, y north) frame. */
export function cross(a: Xy, b: Xy, p: Xy): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}
