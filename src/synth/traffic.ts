import type { Direction } from '../types.js';
import type { DriveSide, ResolvedSynthOptions } from './options.js';
import type { Rng } from '../random/prng.js';

export type VehicleClass = 'car' | 'van' | 'truck';
/** Display-space reflectance 0..1: red, green, blue, near infrared. */
export type Colour = [number, number, number, number];

/** Cross-section of the road, metres. */
export interface RoadProfile {
  lanes: number;
  laneWidth: number;
  /** Half the gap between the two directions' innermost lanes (the centre marking). */
  median: number;
  shoulder: number;
  /** Centre line to asphalt edge. */
  halfWidth: number;
  /** Gravel or grass strip beyond the asphalt. */
  verge: number;
}

/** One vehicle as placed on the road, before rendering; all lengths in metres. */
export interface PlacedVehicle {
  cls: VehicleClass;
  direction: Direction;
  lane: number;
  /** Chainage of the vehicle centre. */
  s: number;
  offset: number;
  length: number;
  width: number;
  height: number;
  /** Heading noise in radians, added to the road direction of travel. */
  yaw: number;
  body: Colour;
  /** Trucks: cab colour (body is the trailer). */
  cab: Colour;
  queued: boolean;
}

export function roadProfile(lanes: number, rng: Rng): RoadProfile {
  const laneWidth = rng.uniform(3.25, 3.6);
  const median = lanes >= 2 ? 0.2 : 0;
  const shoulder = rng.uniform(0.7, 1.2);
  return { lanes, laneWidth, median, shoulder, halfWidth: median + lanes * laneWidth + shoulder, verge: rng.uniform(1.2, 2.5) };
}

/** Signed offset of a lane centre: forward traffic keeps to the drive side of the drawing direction. */
export function laneOffset(profile: RoadProfile, direction: Direction, lane: number, driveSide: DriveSide): number {
  const side = (direction === 'forward') === (driveSide === 'right') ? 1 : -1;
  return side * (profile.median + (lane + 0.5) * profile.laneWidth);
}

/** The direction whose queue waits at `queueHead`. */
export function jammedDirection(o: ResolvedSynthOptions): Direction {
  return o.queueHead === 'end' ? 'forward' : 'backward';
}

/**
 * Places every vehicle: the jammed direction as a bumper-to-bumper queue of `queueLength` metres
 * whose head waits near `queueHead`; the other direction empty, sparse moving traffic, or a jam
 * of its own heading the other way.
 */
export function placeTraffic(o: ResolvedSynthOptions, profile: RoadProfile, roadLength: number, rng: Rng): PlacedVehicle[] {
  const jammed = jammedDirection(o);
  const other: Direction = jammed === 'forward' ? 'backward' : 'forward';
  const vehicles: PlacedVehicle[] = [];
  const margin = 2;
  const headGap = rng.uniform(0.02, 0.06) * roadLength;
  const queueFor = (dir: Direction, length: number) => {
    for (let lane = 0; lane < profile.lanes; lane++) {
      vehicles.push(...queueLane(o, profile, dir, lane, roadLength, margin, headGap, length, rng.fork(lane + (dir === 'forward' ? 0 : 10))));
    }
  };
  queueFor(jammed, o.queueLength);
  if (o.otherDirection === 'jam') queueFor(other, o.queueLength);
  if (o.otherDirection === 'sparse') vehicles.push(...sparseTraffic(o, profile, other, roadLength, margin, rng.fork(99)));
  return vehicles;
}

function queueLane(
  o: ResolvedSynthOptions,
  profile: RoadProfile,
  direction: Direction,
  lane: number,
  roadLength: number,
  margin: number,
  headGap: number,
  queueLength: number,
  rng: Rng,
): PlacedVehicle[] {
  // Travel +1 moves towards larger chainage; the queue grows from its head against the travel.
  const travel = direction === 'forward' ? 1 : -1;
  const head = direction === 'forward' ? roadLength - headGap : headGap;
  const tail = head - travel * queueLength;
  const out: PlacedVehicle[] = [];
  let front = head - travel * rng.uniform(0, 5);
  for (;;) {
    const cls = pickClass(profile.lanes, lane, rng);
    const v = makeVehicle(o, profile, cls, direction, lane, 0, true, rng);
    const s = front - (travel * v.length) / 2;
    const rear = front - travel * v.length;
    if ((rear - tail) * travel < 0 || rear < margin || rear > roadLength - margin) break;
    out.push({ ...v, s });
    const gap = rng.chance(0.04) ? rng.uniform(8, 18) : cls === 'truck' ? clampN(rng, 3.4, 1.0, 1.5, 7) : clampN(rng, 2.8, 0.7, 1.2, 5);
    front = rear - travel * gap;
  }
  return out;
}

function sparseTraffic(o: ResolvedSynthOptions, profile: RoadProfile, direction: Direction, roadLength: number, margin: number, rng: Rng): PlacedVehicle[] {
  const out: PlacedVehicle[] = [];
  let s = margin + rng.uniform(10, 80);
  while (s < roadLength - margin - 20) {
    const lane = profile.lanes === 1 || rng.chance(0.7) ? profile.lanes - 1 : rng.int(0, profile.lanes - 1);
    const cls = pickClass(profile.lanes, lane, rng);
    out.push(makeVehicle(o, profile, cls, direction, lane, s, false, rng));
    s += 30 + -Math.log(1 - rng.next()) * 90;
  }
  return out;
}

function pickClass(lanes: number, lane: number, rng: Rng): VehicleClass {
  // Lorries keep to the outer lane; at a border they make up a large share of the queue.
  if (lanes === 1) return rng.weighted([['car', 0.66], ['van', 0.13], ['truck', 0.21]] as const);
  if (lane === lanes - 1) return rng.weighted([['car', 0.52], ['van', 0.14], ['truck', 0.34]] as const);
  return rng.weighted([['car', 0.83], ['van', 0.12], ['truck', 0.05]] as const);
}

function makeVehicle(
  o: ResolvedSynthOptions,
  profile: RoadProfile,
  cls: VehicleClass,
  direction: Direction,
  lane: number,
  s: number,
  queued: boolean,
  rng: Rng,
): PlacedVehicle {
  const dims: Record<VehicleClass, () => [number, number, number]> = {
    car: () => [clampN(rng, 4.5, 0.3, 3.6, 5.2), clampN(rng, 1.8, 0.06, 1.65, 1.95), 1.5],
    van: () => [rng.uniform(5.0, 6.2), rng.uniform(1.95, 2.1), 2.4],
    truck: () => [rng.uniform(12, 16.5), 2.5, 3.8],
  };
  const [length, width, height] = dims[cls]();
  const body = cls === 'car' ? carColour(rng) : cls === 'van' ? vanColour(rng) : trailerColour(rng);
  const cab = cls === 'truck' ? vanColour(rng) : body;
  const offset = laneOffset(profile, direction, lane, o.driveSide) + clampN(rng, 0, 0.22, -0.5, 0.5);
  const yaw = (clampN(rng, 0, queued ? 1.8 : 0.8, -5, 5) * Math.PI) / 180;
  return { cls, direction, lane, s, offset, length, width, height, yaw, body, cab, queued };
}

function clampN(rng: Rng, mean: number, sd: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, rng.normal(mean, sd)));
}

const PAINT: Record<string, [number, number, number]> = {
  white: [0.93, 0.93, 0.91],
  silver: [0.72, 0.73, 0.75],
  grey: [0.46, 0.47, 0.49],
  black: [0.09, 0.09, 0.1],
  blue: [0.13, 0.22, 0.5],
  red: [0.62, 0.1, 0.1],
  green: [0.16, 0.3, 0.2],
  beige: [0.76, 0.69, 0.56],
  yellow: [0.85, 0.72, 0.2],
};

function paint(name: string, rng: Rng): Colour {
  const [r, g, b] = PAINT[name];
  const k = rng.uniform(0.92, 1.06);
  const c = (v: number) => Math.max(0.02, Math.min(0.98, v * k));
  // Paints reflect more near infrared than their visible brightness suggests; red pigments most.
  const nir = Math.min(0.95, 0.18 + 0.6 * ((r + g + b) / 3) + (name === 'red' ? 0.2 : 0));
  return [c(r), c(g), c(b), nir];
}

function carColour(rng: Rng): Colour {
  return paint(
    rng.weighted([['white', 24], ['black', 19], ['grey', 18], ['silver', 16], ['blue', 9], ['red', 8], ['green', 2], ['beige', 3], ['yellow', 1]] as const),
    rng,
  );
}

function vanColour(rng: Rng): Colour {
  return paint(rng.weighted([['white', 60], ['silver', 14], ['grey', 8], ['black', 6], ['blue', 7], ['red', 5]] as const), rng);
}

function trailerColour(rng: Rng): Colour {
  return paint(rng.weighted([['white', 36], ['silver', 18], ['grey', 16], ['blue', 10], ['red', 6], ['green', 6], ['beige', 4], ['yellow', 4]] as const), rng);
}
