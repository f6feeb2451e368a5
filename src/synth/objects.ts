import { orientedRect, swept, type Box, type Canvas, type Sdf } from './canvas.js';
import type { Polyline } from './polyline.js';
import { fbm, type Rng } from '../random/prng.js';
import { SHADOW, type Sun } from './sun.js';
import type { Colour, RoadProfile } from './traffic.js';
import type { Footprint } from './vehicles.js';


/** A building's footprint is a rectangle like a vehicle's, with a height for its shadow. */
interface Building extends Footprint {
  height: number;
  roof: Colour;
  gable: boolean;
}

interface Tree {
  cx: number;
  cy: number;
  r: number;
  height: number;
  green: Colour;
}

const ROOFS: Array<[Colour, number]> = [
  [[0.56, 0.31, 0.24, 0.45], 4],
  [[0.52, 0.52, 0.52, 0.45], 3],
  [[0.3, 0.3, 0.32, 0.3], 2],
  [[0.74, 0.74, 0.73, 0.6], 2],
  [[0.62, 0.56, 0.48, 0.5], 1],
];

/** Houses and sheds in loose settlements, kept clear of the road and of each other. */
export function placeBuildings(width: number, height: number, line: Polyline, profile: RoadProfile, gsd: number, rng: Rng): Building[] {
  const density = fbm(Math.floor(rng.next() * 1e9), 180 / gsd, 2);
  const attempts = Math.round((width * height * gsd * gsd) / 900);
  const out: Building[] = [];
  for (let i = 0; i < attempts; i++) {
    const cx = rng.uniform(0, width);
    const cy = rng.uniform(0, height);
    const len = rng.uniform(8, 24) / gsd;
    const wid = rng.uniform(6, Math.min(14, (len * gsd) / 1.2)) / gsd;
    const radius = Math.hypot(len, wid) / 2;
    if (density(cx, cy) < 0.52) continue;
    const near = line.project([cx, cy]);
    if (Math.abs(near.offset) * gsd < profile.halfWidth + profile.verge + 5 + radius * gsd) continue;
    if (out.some((b) => Math.hypot(b.cx - cx, b.cy - cy) < Math.hypot(b.halfLen, b.halfWid) + radius + 3 / gsd)) continue;
    const t = line.at(near.s).t;
    const angle = rng.chance(0.6) ? Math.atan2(t[1], t[0]) + (rng.chance(0.5) ? Math.PI / 2 : 0) : rng.uniform(0, Math.PI);
    out.push({
      cx,
      cy,
      ax: Math.cos(angle),
      ay: Math.sin(angle),
      halfLen: len / 2,
      halfWid: wid / 2,
      height: rng.uniform(3, 9),
      roof: rng.weighted(ROOFS),
      gable: rng.chance(0.55),
    });
  }
  return out;
}

export function paintBuildingShadows(c: Canvas, buildings: Building[], sun: Sun): void {
  for (const b of buildings) {
    const shape = orientedRect(b.cx, b.cy, b.ax, b.ay, b.halfLen, b.halfWid);
    const s = swept(shape, sun.shadow[0] * b.height, sun.shadow[1] * b.height);
    c.shade(s.box, s.sdf, SHADOW, 0.8);
  }
}

export function paintBuildings(c: Canvas, buildings: Building[], sun: Sun, rng: Rng): void {
  const tex = fbm(Math.floor(rng.next() * 1e9), 4, 2);
  // Roof halves facing the sun are lighter; the sun is opposite the shadow vector.
  const sunX = -sun.shadow[0];
  const sunY = -sun.shadow[1];
  for (const b of buildings) {
    const shape = orientedRect(b.cx, b.cy, b.ax, b.ay, b.halfLen, b.halfWid);
    c.fill(shape.box, shape.sdf, (x, y) => {
      const dx = x - b.cx;
      const dy = y - b.cy;
      const v = -dx * b.ay + dy * b.ax;
      let k = 0.92 + 0.16 * tex(x, y);
      if (b.gable) k *= Math.sign(v) * (-b.ay * sunX + b.ax * sunY) >= 0 ? 1.1 : 0.78;
      else if (b.halfWid - Math.abs(v) < 1.2 || b.halfLen - Math.abs(dx * b.ax + dy * b.ay) < 1.2) k *= 0.85;
      return [b.roof[0] * k, b.roof[1] * k, b.roof[2] * k, b.roof[3] * k];
    });
  }
}

const GREENS: Array<[Colour, number]> = [
  [[0.14, 0.23, 0.1, 0.7], 3],
  [[0.18, 0.27, 0.12, 0.74], 2],
  [[0.12, 0.19, 0.1, 0.66], 2],
];

/** Rows of trees along parts of the verges (a few overhanging the asphalt edge) and scattered groves. */
export function placeTrees(width: number, height: number, line: Polyline, profile: RoadProfile, gsd: number, rng: Rng): Tree[] {
  const out: Tree[] = [];
  const rows = fbm(Math.floor(rng.next() * 1e9), 120 / gsd, 2);
  const tree = (cx: number, cy: number, rM: number): Tree => ({
    cx,
    cy,
    r: rM / gsd,
    height: rng.uniform(1.8, 2.6) * rM,
    green: rng.weighted(GREENS),
  });
  for (const side of [1, -1]) {
    for (let s = rng.uniform(0, 10) / gsd; s < line.length; s += rng.uniform(6, 13) / gsd) {
      const pRow = rows(...line.at(s).p);
      if (pRow < (side > 0 ? 0.55 : 0.5)) continue;
      const rM = rng.uniform(2, 4.2);
      const overhang = rng.chance(0.12);
      const offM = overhang ? profile.halfWidth + rM - rng.uniform(0.3, 1.2) : profile.halfWidth + profile.verge + rM * rng.uniform(0.3, 1.1);
      const [x, y] = line.offsetPoint(s, (side * offM) / gsd);
      // On tight bends another stretch of road can pass nearer than the one the row follows.
      if (Math.abs(line.project([x, y]).offset) * gsd < offM - 0.05) continue;
      out.push(tree(x, y, rM));
    }
  }
  const groves = Math.round((width * height * gsd * gsd) / 6000);
  for (let g = 0; g < groves; g++) {
    const gx = rng.uniform(0, width);
    const gy = rng.uniform(0, height);
    const n = rng.int(1, 7);
    for (let i = 0; i < n; i++) {
      const x = gx + rng.normal(0, 6 / gsd);
      const y = gy + rng.normal(0, 6 / gsd);
      const rM = rng.uniform(2, 4.5);
      if (Math.abs(line.project([x, y]).offset) * gsd < profile.halfWidth + profile.verge + rM) continue;
      out.push(tree(x, y, rM));
    }
  }
  return out;
}

/**
 * Closed canopy over the road: crowns 3.5–5.5 m in radius every few metres across both
 * carriageways and verges, so nothing on the asphalt shows between `start_m` and `end_m`.
 */
export function placeCanopy(line: Polyline, profile: RoadProfile, gsd: number, stretches: readonly { start_m: number; end_m: number }[], rng: Rng): Tree[] {
  const out: Tree[] = [];
  const reach = profile.halfWidth + profile.verge;
  for (const { start_m, end_m } of stretches) {
    for (let m = start_m; m < end_m; m += rng.uniform(2.5, 4)) {
      for (let k = 0; k < 3; k++) {
        const rM = rng.uniform(3.5, 5.5);
        const [x, y] = line.offsetPoint(m / gsd, rng.uniform(-reach, reach) / gsd);
        out.push({ cx: x, cy: y, r: rM / gsd, height: rng.uniform(1.8, 2.6) * rM, green: rng.weighted(GREENS) });
      }
    }
  }
  return out;
}

function crown(t: Tree, wobble: (x: number, y: number) => number): { sdf: Sdf; box: Box } {
  const sdf: Sdf = (x, y) => Math.hypot(x - t.cx, y - t.cy) - t.r * (0.88 + 0.24 * wobble(x, y));
  const e = t.r * 1.15 + 1;
  return { sdf, box: [t.cx - e, t.cy - e, t.cx + e, t.cy + e] };
}

export function paintTreeShadows(c: Canvas, trees: Tree[], sun: Sun, gsd: number, seed: number): void {
  const wobble = fbm(seed, 1.5 / gsd, 2);
  for (const t of trees) {
    // The crown casts the shadow from up high; the trunk's thin shadow is lost at this resolution.
    const lift = (t.height - t.r * gsd) * 0.5;
    const base = crown({ ...t, cx: t.cx + sun.shadow[0] * lift, cy: t.cy + sun.shadow[1] * lift }, wobble);
    const s = swept(base, sun.shadow[0] * lift, sun.shadow[1] * lift);
    c.shade(s.box, s.sdf, SHADOW, 0.75);
  }
}

export function paintTrees(c: Canvas, trees: Tree[], sun: Sun, gsd: number, seed: number): void {
  const wobble = fbm(seed, 1.5 / gsd, 2);
  const leaves = fbm(seed + 7, 0.7 / gsd, 2);
  const len = Math.hypot(sun.shadow[0], sun.shadow[1]) || 1;
  const toSun: [number, number] = [-sun.shadow[0] / len, -sun.shadow[1] / len];
  for (const t of trees) {
    const shape = crown(t, wobble);
    c.fill(
      shape.box,
      shape.sdf,
      (x, y) => {
        const lit = ((x - t.cx) * toSun[0] + (y - t.cy) * toSun[1]) / t.r;
        const k = (1 + 0.4 * lit) * (0.75 + 0.5 * leaves(x, y));
        return [t.green[0] * k, t.green[1] * k, t.green[2] * k, t.green[3] * (0.9 + 0.2 * leaves(x, y))];
      },
      0.97,
      true,
    );
  }
}
