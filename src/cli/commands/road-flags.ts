import type { RoadRunOptions } from '../../pipeline/road.js';

export interface RoadFlags {
  road?: string;
  roadCrs?: string;
  corridor?: number;
  driveSide?: 'right' | 'left';
  maxGap?: number;
  queueHead?: 'start' | 'end';
  profileBin?: number;
  profilePlot?: string;
}

export function roadOptionsFrom(flags: RoadFlags): { road?: RoadRunOptions } {
  if (!flags.road) return {};
  return {
    road: {
      path: flags.road,
      crs: flags.roadCrs,
      corridor_m: flags.corridor ?? 15,
      driveSide: flags.driveSide ?? 'right',
      maxGap_m: flags.maxGap ?? 25,
      queueHead: flags.queueHead ?? 'end',
      profileBin_m: flags.profileBin ?? 100,
      profilePlot: flags.profilePlot,
    },
  };
}
