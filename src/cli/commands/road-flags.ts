import { ROAD_DEFAULTS, type RoadRunOptions } from '../../pipeline/road-settings.js';
import { SatcountError } from '../../types.js';

export interface RoadFlags {
  road?: string;
  roadCrs?: string;
  roadName?: string;
  roadRef?: string;
  occluded?: string;
  corridor?: number;
  driveSide?: 'right' | 'left';
  maxGap?: number;
  queueHead?: 'start' | 'end';
  profileBin?: number;
}

/** Flags that only mean something with --road (they carry no commander default, so undefined = not given). */
const ROAD_ONLY: [keyof RoadFlags, string][] = [
  ['roadCrs', '--road-crs'],
  ['corridor', '--corridor'],
  ['driveSide', '--drive-side'],
  ['maxGap', '--max-gap'],
  ['queueHead', '--queue-head'],
  ['profileBin', '--profile-bin'],
];

/**
 * Road settings from the flags. A road-only flag without --road is refused rather than ignored
 * (a user setting a corridor would otherwise get the whole image counted, silently; output flags
 * that need a road are checked with the outputs, common-options.ts). Drive side and queue
 * head stay undefined when not given: the road file's own settings apply then (pipeline/road.ts).
 */
export function roadOptionsFrom(flags: RoadFlags): { road?: RoadRunOptions } {
  if (!flags.road) {
    const given = ROAD_ONLY.find(([key]) => flags[key] !== undefined);
    if (given) throw new SatcountError(`${given[1]} applies to the road analysis; it needs --road <geojson>`);
    return {};
  }
  return {
    road: {
      path: flags.road,
      crs: flags.roadCrs,
      name: flags.roadName,
      ref: flags.roadRef,
      occluded: flags.occluded,
      corridor_m: flags.corridor ?? ROAD_DEFAULTS.corridor_m,
      driveSide: flags.driveSide,
      maxGap_m: flags.maxGap ?? ROAD_DEFAULTS.maxGap_m,
      queueHead: flags.queueHead,
      profileBin_m: flags.profileBin ?? ROAD_DEFAULTS.profileBin_m,
    },
  };
}
