import type { Canvas } from './canvas.js';
import { SHADOW } from './sun.js';
import type { Rng } from '../random/prng.js';

/** A ridge's shadow lying across a valley road: a band across the short side of the scene. */
export interface ValleyShadow {
  /** Centre along the long side, pixels. */
  at: number;
  /** Half-width along the long side, pixels. */
  half: number;
  /** Slant of the band's edges: along-axis shift per pixel across. */
  slant: number;
}

/**
 * Shadows of the valley sides: every 1.5–4 km a band 80–300 m wide, darkening everything in it
 * (road, vehicles and all), as steep slopes do in the low winter sun at a mountain border.
 */
export function planValleyShadows(width: number, height: number, gsd: number, rng: Rng): ValleyShadow[] {
  const long = Math.max(width, height);
  const out: ValleyShadow[] = [];
  for (let at = rng.uniform(300, 1500) / gsd; at < long; at += rng.uniform(1500, 4000) / gsd) {
    out.push({ at, half: rng.uniform(40, 150) / gsd, slant: rng.uniform(-0.6, 0.6) });
  }
  return out;
}

export function paintValleyShadows(c: Canvas, shadows: readonly ValleyShadow[]): void {
  const along = c.width >= c.height;
  const short = along ? c.height : c.width;
  // Soft edges a few metres wide: the ridge line is far away, so its shadow's edge is blurred.
  const feather = 12;
  for (const s of shadows) {
    const reach = s.half + Math.abs(s.slant) * short + feather;
    const box: [number, number, number, number] = along ? [s.at - reach, 0, s.at + reach, c.height] : [0, s.at - reach, c.width, s.at + reach];
    const sdf = (x: number, y: number) => {
      const [u, v] = along ? [x, y] : [y, x];
      return (Math.abs(u - s.at - s.slant * (v - short / 2)) - s.half) / feather;
    };
    c.shade(box, sdf, SHADOW, 0.85);
  }
}
