import type { RoadPlacement } from '../types.js';
import type { DensityProfile } from './types.js';

/**
 * Vehicles per `bin_m` of chainage over the whole road, per direction. Bin i holds chainages in
 * [i · bin_m, (i + 1) · bin_m); a vehicle at the very end of the road falls in the last bin.
 *
 * @example densityProfile(placements, road, 100).forward[3] // vehicles between 300 and 400 m
 */
export function densityProfile(placed: readonly (RoadPlacement | null)[], road: { length_m: number }, bin_m = 100): DensityProfile {
  const bins = Math.max(1, Math.ceil(road.length_m / bin_m));
  const profile: DensityProfile = { bin_m, forward: new Array<number>(bins).fill(0), backward: new Array<number>(bins).fill(0) };
  for (const p of placed) {
    if (!p) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(p.chainage_m / bin_m)));
    profile[p.direction][bin]++;
  }
  return profile;
}
