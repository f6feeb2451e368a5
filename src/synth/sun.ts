import type { Rng } from '../random/prng.js';
import type { Colour } from './traffic.js';

/** Colour of cast shadows (vehicles, buildings, trees), blended over the ground. */
export const SHADOW: Colour = [0.42, 0.45, 0.56, 0.42];

/** Where shadows fall: pixels of shadow per metre of object height, as a pixel-space vector. */
export interface Sun {
  azimuthDeg: number;
  elevationDeg: number;
  shadow: [number, number];
}

/** A mid-morning to mid-afternoon sun of the northern mid-latitudes, as most imagery is taken. */
export function pickSun(gsd: number, rng: Rng): Sun {
  const azimuthDeg = rng.uniform(130, 220);
  const elevationDeg = rng.uniform(42, 65);
  const away = ((azimuthDeg + 180) * Math.PI) / 180;
  const perMetre = 1 / Math.tan((elevationDeg * Math.PI) / 180) / gsd;
  // Map azimuth: east = sin, north = cos; pixel y grows southwards.
  return { azimuthDeg, elevationDeg, shadow: [Math.sin(away) * perMetre, -Math.cos(away) * perMetre] };
}
