import type { Canvas } from './canvas.js';
import { smooth } from './ground.js';
import type { Polyline } from './polyline.js';
import { fbm } from '../random/prng.js';

export type HiddenKind = 'nodata' | 'cloud';

/** A stretch of road chainage (metres) hidden in the image. */
export interface HiddenStretch {
  start_m: number;
  end_m: number;
  kind: HiddenKind;
}

/** What to hide: a stretch centred at chainage `centre_m` of `length_m`. */
export interface HiddenPlan {
  kind: HiddenKind;
  centre_m: number;
  length_m: number;
}

/**
 * Splits `fraction` of the queue [a, b] (chainage, metres) into a nodata swath and, when long
 * enough, an opaque cloud; each sits inside the queue so its ends stay visible.
 */
export function planHidden(a: number, b: number, fraction: number): HiddenPlan[] {
  const total = (b - a) * fraction;
  if (total < 5) return [];
  if (total < 40) return [{ kind: 'nodata', centre_m: a + 0.5 * (b - a), length_m: total }];
  return [
    { kind: 'nodata', centre_m: a + 0.32 * (b - a), length_m: 0.55 * total },
    { kind: 'cloud', centre_m: a + 0.7 * (b - a), length_m: 0.45 * total },
  ];
}

/**
 * Paints the plan: nodata as a swath across the image perpendicular to the road (returned as a
 * mask), cloud as an opaque fractal blob with soft edges. Both mark the canvas occlusion map.
 */
export function paintHidden(c: Canvas, line: Polyline, gsd: number, plans: HiddenPlan[], seed: number): Uint8Array {
  const nodata = new Uint8Array(c.width * c.height);
  const billow = fbm(seed, 12 / gsd, 4);
  for (const plan of plans) {
    const st = line.at(plan.centre_m / gsd);
    const half = plan.length_m / 2 / gsd;
    if (plan.kind === 'nodata') {
      for (let y = 0; y < c.height; y++) {
        for (let x = 0; x < c.width; x++) {
          if (Math.abs((x + 0.5 - st.p[0]) * st.t[0] + (y + 0.5 - st.p[1]) * st.t[1]) <= half) {
            nodata[y * c.width + x] = 1;
            c.cover[y * c.width + x] = 1;
          }
        }
      }
      continue;
    }
    const feather = half * 0.8;
    const x0 = Math.max(0, Math.floor(st.p[0] - half - feather * 1.6));
    const x1 = Math.min(c.width - 1, Math.ceil(st.p[0] + half + feather * 1.6));
    const y0 = Math.max(0, Math.floor(st.p[1] - half - feather * 1.6));
    const y1 = Math.min(c.height - 1, Math.ceil(st.p[1] + half + feather * 1.6));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.hypot(x + 0.5 - st.p[0], y + 0.5 - st.p[1]);
        const n = billow(x, y);
        // Inside the core radius the cloud is fully opaque; noise roughens only the fringe.
        const alpha = d <= half ? 1 : 1 - smooth(0, feather, (d - half) * (0.6 + 0.9 * n));
        if (alpha <= 0) continue;
        const k = y * c.width + x;
        const bright = 0.86 + 0.14 * n;
        const cloud = [0.93 * bright, 0.94 * bright, 0.96 * bright, 0.9 * bright];
        for (let ch = 0; ch < 4; ch++) c.px[k * 4 + ch] += (cloud[ch] - c.px[k * 4 + ch]) * alpha;
        c.cover[k] = Math.max(c.cover[k], alpha);
      }
    }
  }
  return nodata;
}

/**
 * Measures the hidden stretches along the centre line from the rendered masks, so the truth
 * states what the image shows: nodata where the swath is, cloud where it is at least half opaque.
 */
export function measureHidden(c: Canvas, nodata: Uint8Array, line: Polyline, gsd: number, plans: HiddenPlan[]): HiddenStretch[] {
  const out: HiddenStretch[] = [];
  for (const plan of plans) {
    const step = 0.25;
    let start = -1;
    const from = Math.max(0, plan.centre_m - plan.length_m * 2);
    const to = Math.min(line.length * gsd, plan.centre_m + plan.length_m * 2);
    for (let m = from; m <= to + step; m += step) {
      const [x, y] = line.at(m / gsd).p;
      const k = Math.min(c.height - 1, Math.floor(y)) * c.width + Math.min(c.width - 1, Math.floor(x));
      const hidden = m <= to && (plan.kind === 'nodata' ? nodata[k] === 1 : c.cover[k] >= 0.5 && nodata[k] === 0);
      if (hidden && start < 0) start = m;
      if (!hidden && start >= 0) {
        out.push({ start_m: round2(start), end_m: round2(m - step), kind: plan.kind });
        start = -1;
      }
    }
  }
  return out.sort((p, q) => p.start_m - q.start_m);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
