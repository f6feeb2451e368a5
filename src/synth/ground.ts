import type { Canvas, Window } from './canvas.js';
import type { Polyline } from './polyline.js';
import { fbm, hash2 } from '../random/prng.js';
import type { Colour, RoadProfile } from './traffic.js';

/** Per pixel of a window near the road: chainage and signed offset of its nearest road point (pixels); NaN elsewhere. */
export interface RoadField {
  win: Window;
  s: Float32Array;
  offset: Float32Array;
}

/** Nearest-point projection of every pixel of the window within `reach` pixels of the line. */
export function roadField(win: Window, line: Polyline, reach: number): RoadField {
  const { x0: wx, y0: wy, w: width, h: height } = win;
  const s = new Float32Array(width * height).fill(NaN);
  const offset = new Float32Array(width * height).fill(NaN);
  const best = new Float32Array(width * height).fill(Infinity);
  const pts = line.points;
  for (let i = 1; i < pts.length; i++) {
    const [ax, ay] = pts[i - 1];
    const [bx, by] = pts[i];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    const x0 = Math.max(wx, Math.floor(Math.min(ax, bx) - reach));
    const x1 = Math.min(wx + width - 1, Math.ceil(Math.max(ax, bx) + reach));
    const y0 = Math.max(wy, Math.floor(Math.min(ay, by) - reach));
    const y1 = Math.min(wy + height - 1, Math.ceil(Math.max(ay, by) + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const f = Math.max(0, Math.min(1, (px * dx + py * dy) / (len * len)));
        const ex = px - f * dx;
        const ey = py - f * dy;
        const d = Math.hypot(ex, ey);
        const k = (y - wy) * width + (x - wx);
        if (d <= reach && d < best[k]) {
          best[k] = d;
          s[k] = line.cum[i - 1] + f * len;
          offset[k] = (-ex * dy + ey * dx) / len;
        }
      }
    }
  }
  return { win, s, offset };
}

const GRASS: Colour = [0.31, 0.4, 0.21, 0.78];
const DRY: Colour = [0.55, 0.52, 0.36, 0.56];
const SOIL: Colour = [0.5, 0.42, 0.33, 0.42];
const CROP: Colour = [0.23, 0.35, 0.16, 0.82];

/** Fields, meadows and bare soil with texture at several scales. */
export function paintGround(c: Canvas, gsd: number, seed: number): void {
  const patches = fbm(seed + 1, 90 / gsd, 3);
  const kind = fbm(seed + 2, 140 / gsd, 2);
  const medium = fbm(seed + 3, 8 / gsd, 3);
  const fine = fbm(seed + 4, 1.2 / gsd, 2);
  const { x0, y0, w, h } = c.win;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const t = patches(x, y);
      const a = kind(x, y) > 0.5 ? GRASS : CROP;
      const b = kind(x, y) > 0.45 ? DRY : SOIL;
      const m = smooth(0.42, 0.58, t);
      const tex = 1 + 0.16 * (medium(x, y) - 0.5) + 0.14 * (fine(x, y) - 0.5);
      const p = ((y - y0) * w + (x - x0)) * 4;
      for (let ch = 0; ch < 4; ch++) c.px[p + ch] = (a[ch] + (b[ch] - a[ch]) * m) * tex;
    }
  }
}

const ASPHALT: Colour = [0.37, 0.37, 0.38, 0.3];
const GRAVEL: Colour = [0.6, 0.57, 0.5, 0.48];
const PAINT: Colour = [0.88, 0.88, 0.85, 0.62];

/** Verge, asphalt with wear and wheel tracks, edge lines, centre line and dashed lane lines. */
export function paintRoad(c: Canvas, field: RoadField, profile: RoadProfile, gsd: number, seed: number): void {
  const patch = fbm(seed + 11, 25 / gsd, 2);
  const medium = fbm(seed + 12, 3 / gsd, 2);
  const wear = fbm(seed + 13, 2 / gsd, 2);
  const lineHalf = 0.075 / gsd;
  const cov = (d: number, half: number) => Math.max(0, Math.min(Math.min(1, 2 * half), half + 0.5 - Math.abs(d)));
  const dash = (sM: number, period: number, on: number) => {
    const phase = ((sM % period) + period) % period;
    return phase > on ? 0 : Math.max(0, Math.min(1, Math.min(phase, on - phase) / gsd + 0.5));
  };
  const wheelTracks: number[] = [];
  for (let lane = 0; lane < profile.lanes; lane++) {
    const centre = profile.median + (lane + 0.5) * profile.laneWidth;
    wheelTracks.push(centre - 0.85, centre + 0.85, -centre - 0.85, -centre + 0.85);
  }
  for (let k = 0; k < field.s.length; k++) {
    const off = field.offset[k];
    if (Number.isNaN(off)) continue;
    const a = Math.abs(off) * gsd;
    const sM = field.s[k] * gsd;
    const verge = clamp01((profile.halfWidth + profile.verge - a) / gsd + 0.5);
    if (verge === 0) continue;
    const asphalt = clamp01((profile.halfWidth - a) / gsd + 0.5);
    const lx = k % field.win.w;
    const x = field.win.x0 + lx;
    const y = field.win.y0 + (k - lx) / field.win.w;
    // Keyed by the scene pixel, so every window of the scene draws the same texture.
    const noise = hash2(seed, y * c.width + x) / 4294967296 - 0.5;
    let shadeK = 1 + 0.07 * (medium(x, y) - 0.5) + 0.07 * noise;
    if (patch(x, y) > 0.68) shadeK *= 0.9;
    for (const w of wheelTracks) shadeK *= 1 - 0.07 * Math.exp(-(((off * gsd - w) / 0.35) ** 2));
    const p = k * 4;
    for (let ch = 0; ch < 4; ch++) {
      const ground = c.px[p + ch] + (GRAVEL[ch] * (1 + 0.2 * noise) - c.px[p + ch]) * verge * 0.85;
      c.px[p + ch] = ground + (ASPHALT[ch] * shadeK - ground) * asphalt;
    }
    let mark = cov((a - (profile.halfWidth - profile.shoulder + 0.2)) / gsd, lineHalf);
    if (profile.lanes >= 2) mark = Math.max(mark, cov((a - 0.18) / gsd, lineHalf));
    else mark = Math.max(mark, cov(a / gsd, lineHalf) * dash(sM, 12, 4));
    for (let l = 1; l < profile.lanes; l++) {
      mark = Math.max(mark, cov((a - profile.median - l * profile.laneWidth) / gsd, lineHalf) * dash(sM, 12, 3));
    }
    if (mark > 0) {
      const m = mark * (0.7 + 0.3 * wear(x, y));
      for (let ch = 0; ch < 4; ch++) c.px[p + ch] += (PAINT[ch] - c.px[p + ch]) * m;
    }
  }
}

export function clamp01(v: number): number {
  return Math.max(0, Math.min(1, v));
}

export function smooth(e0: number, e1: number, v: number): number {
  const t = clamp01((v - e0) / (e1 - e0));
  return t * t * (3 - 2 * t);
}
