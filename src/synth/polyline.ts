import type { PixelPoint } from '../types.js';

export interface Station {
  p: PixelPoint;
  /** Unit tangent in the drawing direction. */
  t: [number, number];
  /** Unit normal to the right of the drawing direction as seen on a north-up map (pixel y points down). */
  n: [number, number];
}

/** A road centre line in pixel coordinates with chainage (pixels along the line) lookups. */
export class Polyline {
  readonly cum: number[];
  readonly length: number;

  constructor(readonly points: PixelPoint[]) {
    this.cum = [0];
    for (let i = 1; i < points.length; i++) {
      this.cum.push(this.cum[i - 1] + Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]));
    }
    this.length = this.cum[this.cum.length - 1];
  }

  /** Point, tangent and right normal at chainage `s` (clamped to the line). */
  at(s: number): Station {
    const c = Math.max(0, Math.min(this.length, s));
    let lo = 0;
    let hi = this.cum.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] <= c) lo = mid;
      else hi = mid;
    }
    const [a, b] = [this.points[lo], this.points[hi]];
    const seg = this.cum[hi] - this.cum[lo];
    const f = seg > 0 ? (c - this.cum[lo]) / seg : 0;
    const t: [number, number] = seg > 0 ? [(b[0] - a[0]) / seg, (b[1] - a[1]) / seg] : [1, 0];
    return { p: [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])], t, n: [-t[1], t[0]] };
  }

  /** The point `offset` pixels right of the line at chainage `s`. */
  offsetPoint(s: number, offset: number): PixelPoint {
    const { p, n } = this.at(s);
    return [p[0] + n[0] * offset, p[1] + n[1] * offset];
  }

  /** Nearest point on the line: its chainage and the signed distance (positive to the right). */
  project([x, y]: PixelPoint): { s: number; offset: number } {
    let best = { s: 0, offset: Infinity, d2: Infinity };
    for (let i = 1; i < this.points.length; i++) {
      const [ax, ay] = this.points[i - 1];
      const [bx, by] = this.points[i];
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const f = len2 > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
      const fx = ax + f * dx - x;
      const fy = ay + f * dy - y;
      const d2 = fx * fx + fy * fy;
      if (d2 < best.d2) {
        const len = Math.sqrt(len2) || 1;
        // Right normal in pixel space is (-ty, tx); offset is the component of (p - foot) along it.
        const offset = ((x - ax - f * dx) * -dy + (y - ay - f * dy) * dx) / len;
        best = { s: this.cum[i - 1] + f * len, offset, d2 };
      }
    }
    return { s: best.s, offset: best.offset };
  }
}
