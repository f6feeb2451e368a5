/**
 * Types of the road-analysis stage. Coordinates name their space (see src/types.ts):
 * `Metric*` points live in the stage's working frame — metres on the ground, x east, y north,
 * origin at the image centre (see frame.ts).
 */
import type { Direction, PixelPoint } from '../types.js';

export type MetricPoint = [x: number, y: number];

/** Where the road file's coordinates live. */
export type RoadCrs =
  | { kind: 'pixel' }
  /** `name` is what the user or file said (e.g. "EPSG:32638"), `proj4` its definition. */
  | { kind: 'proj4'; name: string; proj4: string };

/** What stitching did, for the result's `road.pieces`. */
export interface StitchReport {
  /** Pieces in the file (after --road-name / --road-ref). */
  pieces: number;
  /** Pieces used against their drawing direction. */
  reversed: number;
  /** Separate stretches left after joining (1: one continuous line). */
  stretches: number;
  /** Gaps between piece ends that were bridged by a straight segment, in the road's CRS. */
  gaps_bridged: { gap_m: number; at: [number, number] }[];
}

/** A parsed road file: one or more polylines in the road's own CRS, in drawing order. */
/** Settings a road file states in its features' properties (`satcount synth` writes them). */
export interface RoadFileSettings {
  driveSide?: 'right' | 'left';
  queueHead?: 'start' | 'end';
}

export interface RoadInput {
  file: string;
  crs: RoadCrs;
  settings: RoadFileSettings;
  /** Each part has ≥ 2 distinct vertices; consecutive duplicates are already removed. */
  parts: [number, number][][];
  /** Roads named by the kept lines ("name (ref)"): more than one asks the user to pick one. */
  labels: string[];
}

/** One polyline of the road in the working frame, with the pixel position of every vertex. */
export interface RoadPart {
  metric: MetricPoint[];
  pixel: PixelPoint[];
  /** Chainage of each vertex, metres from the first vertex of the whole road. */
  chainage: number[];
}

export interface ChainageRange {
  start_m: number;
  end_m: number;
}

/**
 * The road ready for analysis. Pieces that meet end to end are stitched into one line first
 * (stitch.ts); chainage runs continuously over the stretches that remain, in file order; the gap between the end of one part and the start of the next is not
 * counted, so chainage measures road that exists in the file, never a straight-line jump.
 */
export interface RoadModel {
  file: string;
  parts: RoadPart[];
  length_m: number;
  /** Chainage stretches that lie inside the image, ascending, merged. */
  coveredRanges: ChainageRange[];
  imageWidth: number;
  imageHeight: number;
  /** How the file's pieces were put in order; null when the file holds one line. */
  pieces: StitchReport | null;
}

export type HiddenReason = 'nodata' | 'image-edge' | 'cloud' | 'cover' | 'occluded' | 'canopy';

/** A chainage stretch where a carriageway cannot be seen. */
export interface HiddenStretch extends ChainageRange {
  reason: HiddenReason;
}

export type HiddenByDirection = Record<Direction, HiddenStretch[]>;

/** A hidden stretch inside a queue, filled with the queue's own density. */
export interface FilledStretch extends HiddenStretch {
  /** The stretch lies between the head end of the line and the first vehicle seen (see Queue.head_m). */
  at_head: boolean;
  length_m: number;
  density_per_lane_per_km: number;
  lanes: number;
  /** Vehicles detected inside the stretch anyway (it is hidden on most, not all, of its width). */
  vehicles_seen: number;
  /** max(0, density × length × lanes − vehicles_seen). */
  vehicles_added: number;
}

export interface Queue {
  direction: Direction;
  /** Lower chainage of the queue (a vehicle centre, or where hidden road at the head starts). */
  start_m: number;
  /** Higher chainage of the queue. */
  end_m: number;
  length_m: number;
  /** Lanes holding at least 10 % of the queue's vehicles. */
  lanes: number;
  vehicles_observed: number;
  /** round(vehicles_observed + sum of filled[].vehicles_added). */
  vehicles_estimated: number;
  /** Which end of the line this direction's queue head waits at. */
  head: 'start' | 'end';
  /**
   * Chainage of the queue's head: the first vehicle seen, or, when only hidden road (and visible
   * gaps ≤ max-gap) lies between it and the head end of the line, the start of that hidden road.
   */
  head_m: number;
  /** Distance along the line from its head end to head_m. */
  head_gap_m: number;
  /** Visible length of the queue: length_m minus the filled stretches. */
  visible_length_m: number;
  /** Observed vehicles per lane per km over the visible part. */
  density_per_lane_per_km: number;
  filled: FilledStretch[];
  /**
   * Why the queue stops at its tail: 'gap' (a visible gap above max-gap or the road's end),
   * or a hidden reason when it runs into road that cannot be seen (the queue may go on there).
   */
  tail_reason: 'gap' | 'road-end' | HiddenReason;
  /** Same for the head side: road that cannot be seen next to the head may hide more queue. */
  head_reason: 'gap' | 'road-end' | HiddenReason;
}

export interface DensityProfile {
  bin_m: number;
  forward: number[];
  backward: number[];
}
