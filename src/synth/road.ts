import type { PixelPoint } from '../types.js';
import type { RoadShape } from './options.js';
import { Polyline } from './polyline.js';
import type { Rng } from '../random/prng.js';

/**
 * Generates the road centre line for a scene, clipped to the image: a straight road across the
 * long side, a gentle S-curve, a hairpin (up, a 180-degree turn, back down), or a mountain road
 * winding in tight bends along the long side.
 * `minRadius` keeps hairpin legs apart (pixels).
 */
export function roadLine(shape: RoadShape, width: number, height: number, minRadius: number, gsd: number, rng: Rng): Polyline {
  const along = width >= height;
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  // Work in a frame where u runs along the long side and v across; map back at the end.
  const toPixel = ([u, v]: PixelPoint): PixelPoint => (along ? [u, v] : [v, u]);
  const raw: PixelPoint[] = [];
  const step = 3;

  if (shape === 'straight') {
    const maxTilt = Math.min((12 * Math.PI) / 180, Math.atan((0.5 * short) / long));
    const tilt = rng.uniform(-maxTilt, maxTilt);
    const v0 = short / 2 + rng.uniform(-0.08, 0.08) * short;
    for (let u = -step * 4; u <= long + step * 4; u += step) raw.push([u, v0 + (u - long / 2) * Math.tan(tilt)]);
  } else if (shape === 'curved') {
    const amp = rng.uniform(0.18, 0.24) * short;
    const period = rng.uniform(1.0, 1.3) * long;
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let u = -step * 4; u <= long + step * 4; u += step) {
      raw.push([u, short / 2 + amp * Math.sin((2 * Math.PI * u) / period + phase)]);
    }
  } else if (shape === 'mountain') {
    // Bends as tight as a mountain road's (radius ≥ minRadius, ~40 m at 0.3 m) winding along the
    // long side: a sine's tightest radius is period² / (4π² · amp).
    const amp = rng.uniform(0.26, 0.32) * short;
    const radius = Math.max(minRadius, 40 / gsd);
    const period = 2 * Math.PI * Math.sqrt(amp * radius);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let u = -step * 4; u <= long + step * 4; u += step) {
      raw.push([u, short / 2 + amp * Math.sin((2 * Math.PI * u) / period + phase)]);
    }
  } else {
    const r = Math.max(minRadius, 0.12 * short);
    const u1 = long / 2 - r + rng.uniform(-0.1, 0.1) * long;
    const turnV = rng.uniform(0.28, 0.38) * short;
    // The legs run across the long axis, entering and leaving through the same (far) edge.
    for (let v = short + step * 4; v >= turnV; v -= step) raw.push([u1, v]);
    const arcSteps = Math.ceil((Math.PI * r) / step);
    for (let k = 1; k < arcSteps; k++) {
      const a = Math.PI - (Math.PI * k) / arcSteps;
      raw.push([u1 + r + r * Math.cos(a), turnV - r * Math.sin(a)]);
    }
    for (let v = turnV; v <= short + step * 4; v += step) raw.push([u1 + 2 * r, v]);
  }
  return new Polyline(simplify(clipToRect(raw.map(toPixel), width, height), 0.05));
}

/** The longest run of the polyline inside [0,w]x[0,h], with its ends cut exactly at the border. */
export function clipToRect(points: PixelPoint[], w: number, h: number): PixelPoint[] {
  const inside = ([x, y]: PixelPoint) => x >= 0 && x <= w && y >= 0 && y <= h;
  const runs: PixelPoint[][] = [];
  let run: PixelPoint[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (inside(p)) {
      if (run.length === 0 && i > 0) run.push(borderCut(points[i - 1], p, w, h));
      run.push(p);
    } else if (run.length > 0) {
      run.push(borderCut(p, points[i - 1], w, h));
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  const length = (r: PixelPoint[]) => r.reduce((s, p, i) => (i === 0 ? 0 : s + Math.hypot(p[0] - r[i - 1][0], p[1] - r[i - 1][1])), 0);
  return runs.reduce((best, r) => (length(r) > length(best) ? r : best), runs[0] ?? []);
}

/** Where the segment from `out` (outside) to `inn` (inside) crosses the rectangle border. */
function borderCut(out: PixelPoint, inn: PixelPoint, w: number, h: number): PixelPoint {
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 40; k++) {
    const mid = (lo + hi) / 2;
    const x = out[0] + (inn[0] - out[0]) * mid;
    const y = out[1] + (inn[1] - out[1]) * mid;
    if (x >= 0 && x <= w && y >= 0 && y <= h) hi = mid;
    else lo = mid;
  }
  const clamp = (v: number, m: number) => Math.max(0, Math.min(m, v));
  return [clamp(out[0] + (inn[0] - out[0]) * hi, w), clamp(out[1] + (inn[1] - out[1]) * hi, h)];
}

/** The polyline with extra vertices so no segment is longer than `maxStep` (same units). */
export function densify(points: readonly PixelPoint[], maxStep: number): PixelPoint[] {
  const out: PixelPoint[] = points.slice(0, 1);
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / maxStep));
    for (let k = 1; k <= steps; k++) out.push([ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps]);
  }
  return out;
}

/** Douglas-Peucker simplification: drops points within `tolerance` pixels of the simplified line. */
export function simplify(points: PixelPoint[], tolerance: number): PixelPoint[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const stack: Array<[number, number]> = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const [ax, ay] = points[i];
    const [bx, by] = points[j];
    const len = Math.hypot(bx - ax, by - ay) || 1;
    let worst = -1;
    let dist = tolerance;
    for (let k = i + 1; k < j; k++) {
      const d = Math.abs((points[k][0] - ax) * (by - ay) - (points[k][1] - ay) * (bx - ax)) / len;
      if (d > dist) {
        dist = d;
        worst = k;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([i, worst], [worst, j]);
    }
  }
  return points.filter((_, k) => keep[k] === 1);
}
