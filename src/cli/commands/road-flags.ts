import { ROAD_DEFAULTS, type RoadRunOptions } from '../../pipeline/road.js';

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

export function roadOptionsFrom(flags: RoadFlags): { road?: RoadRunOptions } {
  if (!flags.road) return {};
  return {
    road: {
      path: flags.road,
      crs: flags.roadCrs,
      name: flags.roadName,
      ref: flags.roadRef,
      occluded: flags.occluded,
      corridor_m: flags.corridor ?? ROAD_DEFAULTS.corridor_m,
      driveSide: flags.driveSide ?? ROAD_DEFAULTS.driveSide,
      maxGap_m: flags.maxGap ?? ROAD_DEFAULTS.maxGap_m,
      queueHead: flags.queueHead ?? ROAD_DEFAULTS.queueHead,
      profileBin_m: flags.profileBin ?? ROAD_DEFAULTS.profileBin_m,
    },
  };
}
