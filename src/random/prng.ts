/** Seeded PRNG (mulberry32) so a scene depends on its seed alone, never on Math.random. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  uniform(min: number, max: number): number;
  int(min: number, maxInclusive: number): number;
  /** Standard normal (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  chance(p: number): boolean;
  /** An independent stream, so adding draws in one part of a scene does not shift another. */
  fork(label: number): Rng;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal: (mean = 0, sd = 1) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    weighted: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) return item;
      }
      return items[items.length - 1][0];
    },
    chance: (p) => next() < p,
    fork: (label) => createRng(hash2(seed, label)),
  };
  return rng;
}

/**
 * The i-th standard normal of the stream `seed`, computed directly: mulberry32's state moves by a
 * constant per draw, so draw k is reachable without the k before it. Lets a scene rendered strip by
 * strip draw the same sensor noise for each pixel as one rendered whole.
 */
export function normalAt(seed: number, i: number): number {
  const u = 1 - mulberryAt(seed, 2 * i);
  const v = mulberryAt(seed, 2 * i + 1);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function mulberryAt(seed: number, k: number): number {
  let t = ((seed >>> 0) + Math.imul((k + 1) | 0, 0x6d2b79f5)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Integer hash of two ints, for lattice noise and stream forking. */
export function hash2(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Smooth value noise in [0, 1], `scale` pixels per lattice cell, summed over octaves. */
export function fbm(seed: number, scale: number, octaves: number): (x: number, y: number) => number {
  const seeds = Array.from({ length: octaves }, (_, o) => hash2(seed, o));
  const inv = Array.from({ length: octaves }, (_, o) => 2 ** o / scale);
  const amps = Array.from({ length: octaves }, (_, o) => 0.5 ** o);
  const norm = amps.reduce((a, b) => a + b, 0);
  return (x, y) => {
    let sum = 0;
    for (let o = 0; o < octaves; o++) sum += amps[o] * lattice(seeds[o], x * inv[o], y * inv[o]);
    return sum / norm;
  };
}

function lattice(seed: number, x: number, y: number): number {
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx);
  const sy = fy * fy * (3 - 2 * fy);
  const v00 = cornerValue(seed, ix, iy);
  const v10 = cornerValue(seed, ix + 1, iy);
  const v01 = cornerValue(seed, ix, iy + 1);
  const v11 = cornerValue(seed, ix + 1, iy + 1);
  const top = v00 + (v10 - v00) * sx;
  const bottom = v01 + (v11 - v01) * sx;
  return top + (bottom - top) * sy;
}

/** A cheap integer hash of a lattice corner, in [0, 1). */
function cornerValue(seed: number, ix: number, iy: number): number {
  let h = seed ^ Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
