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
  const { x0: wx, y0: wy, w, h } = c.win;
  const nodata = new Uint8Array(w * h);
  const billow = fbm(seed, 12 / gsd, 4);
  for (const plan of plans) {
    const st = line.at(plan.centre_m / gsd);
    const half = plan.length_m / 2 / gsd;
    if (plan.kind === 'nodata') {
      for (let y = wy; y < wy + h; y++) {
        for (let x = wx; x < wx + w; x++) {
          if (Math.abs((x + 0.5 - st.p[0]) * st.t[0] + (y + 0.5 - st.p[1]) * st.t[1]) <= half) {
            nodata[(y - wy) * w + (x - wx)] = 1;
            c.cover[(y - wy) * w + (x - wx)] = 1;
          }
        }
      }
      continue;
    }
    const feather = half * 0.8;
    const x0 = Math.max(wx, Math.floor(st.p[0] - half - feather * 1.6));
    const x1 = Math.min(wx + w - 1, Math.ceil(st.p[0] + half + feather * 1.6));
    const y0 = Math.max(wy, Math.floor(st.p[1] - half - feather * 1.6));
    const y1 = Math.min(wy + h - 1, Math.ceil(st.p[1] + half + feather * 1.6));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.hypot(x + 0.5 - st.p[0], y + 0.5 - st.p[1]);
        const n = billow(x, y);
        // Inside the core radius the cloud is fully opaque; noise roughens only the fringe.
        const alpha = d <= half ? 1 : 1 - smooth(0, feather, (d - half) * (0.6 + 0.9 * n));
        if (alpha <= 0) continue;
        const k = (y - wy) * w + (x - wx);
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
 * Samples along the centre line around each plan, measured from the rendered masks so the truth
 * states what the image shows: nodata where the swath is, cloud where it is at least half opaque.
 * `record` is called once per window; each sample is taken in the window whose core holds it.
 */
export class HiddenProbe {
  private readonly samples: { plan: number; m: number; x: number; y: number }[] = [];
  private readonly hidden: Uint8Array;
  private static readonly STEP = 0.25;

  constructor(
    line: Polyline,
    gsd: number,
    private readonly plans: readonly HiddenPlan[],
    width: number,
    height: number,
  ) {
    plans.forEach((plan, i) => {
      const from = Math.max(0, plan.centre_m - plan.length_m * 2);
      const to = Math.min(line.length * gsd, plan.centre_m + plan.length_m * 2);
      for (let m = from; m <= to; m += HiddenProbe.STEP) {
        const [x, y] = line.at(m / gsd).p;
        this.samples.push({ plan: i, m, x: Math.min(width - 1, Math.floor(x)), y: Math.min(height - 1, Math.floor(y)) });
      }
    });
    this.hidden = new Uint8Array(this.samples.length);
  }

  record(c: Canvas, nodata: Uint8Array, core: { x0: number; y0: number; x1: number; y1: number }): void {
    this.samples.forEach((s, i) => {
      if (s.x < core.x0 || s.x >= core.x1 || s.y < core.y0 || s.y >= core.y1) return;
      const k = c.at(s.x, s.y);
      const kind = this.plans[s.plan].kind;
      this.hidden[i] = (kind === 'nodata' ? nodata[k] === 1 : c.cover[k] >= 0.5 && nodata[k] === 0) ? 1 : 0;
    });
  }

  stretches(): HiddenStretch[] {
    const out: HiddenStretch[] = [];
    let start = -1;
    this.samples.forEach((s, i) => {
      const next = this.samples[i + 1];
      if (this.hidden[i] && start < 0) start = s.m;
      const ends = !next || next.plan !== s.plan;
      if (start >= 0 && (!this.hidden[i] || ends)) {
        out.push({ start_m: round2(start), end_m: round2(this.hidden[i] ? s.m : s.m - HiddenProbe.STEP), kind: this.plans[s.plan].kind });
        start = -1;
      }
    });
    return out.sort((p, q) => p.start_m - q.start_m);
  }
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
