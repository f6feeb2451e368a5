import { describe, expect, it } from 'vitest';
import { findQueues, placeOnRoad } from '../src/road/index.js';
import type { RoadPlacement } from '../src/types.js';
import { pixelImage, pixelRoad } from './helpers/road.js';

// A 1 km road along x (1 px = 1 m), drawn west to east: forward traffic (right-hand) lies south, at +y.
const { road, frame } = pixelRoad([[[0, 500], [1000, 500]]], pixelImage(1000, 1000));
const at = (chainage: number, offset: number) => frame.pixelToMetric([chainage, 500 + offset]);
const jitter = (i: number) => 0.35 * Math.sin(i * 1.7);

/** A two-lane forward queue from 100 to 600 m, a car every 7 m in each lane, and 3 cars the other way. */
const queue = Array.from({ length: 72 }, (_, i) => [at(100 + i * 7, 1.75 + jitter(i)), at(103 + i * 7, 5.3 + jitter(i + 3))]).flat();
const oncoming = [at(300, -1.8), at(450, -1.6), at(700, -2)];

const queueOf = (placed: (RoadPlacement | null)[]) =>
  findQueues(placed, { queueHead: 'end', hidden: [], coveredRanges: [{ start_m: 0, end_m: 1000 }], length_m: 1000 })[0];

describe('lanes learned from the vehicles', () => {
  it('reports false alarms beside the road as verge and keeps them out of the queue', () => {
    // Two false alarms on the verge just past the queue's end, a tree shadow on the lane line, a car on the far shoulder.
    const stray = [at(610, 7.4), at(628, 7.1), at(300, 3.55), at(650, -8.5)];
    const placed = placeOnRoad(road, [...queue, ...oncoming, ...stray], { corridor_m: 15, driveSide: 'right' });
    expect(placed.slice(0, queue.length + oncoming.length).every((p) => p && !p.verge)).toBe(true);
    expect(placed.slice(queue.length + oncoming.length).map((p) => p!.verge)).toEqual([true, true, true, true]);

    const withVerge = queueOf(placed);
    const inLanes = queueOf(placed.map((p) => (p && !p.verge ? p : null)));
    // Read naively, the false alarms stretch the 600 m queue (100–600 m, outer bumpers at centres) by 28 m.
    expect(withVerge.end_m).toBeCloseTo(628, 0);
    expect(inLanes).toMatchObject({ start_m: 100, end_m: 600, lanes: 2, vehicles_observed: 144 });
  });

  it('learns lanes wherever the road line lies in the carriageway', () => {
    // An OSM line drawn 1.2 m off the true centre: lane centres at 2.95 and 6.5 m; nothing is verge.
    const shifted = queue.map(([x, y]): [number, number] => [x, y - 1.2]);
    const placed = placeOnRoad(road, shifted, { corridor_m: 15, driveSide: 'right' });
    expect(placed.filter((p) => p!.verge)).toHaveLength(0);
    expect(new Set(placed.map((p) => p!.lane))).toEqual(new Set([0, 1]));
  });

  it('judges a direction with too few vehicles by both directions\' lanes', () => {
    const placed = placeOnRoad(road, [...queue, at(400, -1.9), at(500, -9)], { corridor_m: 15, driveSide: 'right' });
    expect(placed.slice(-2).map((p) => [p!.direction, p!.verge])).toEqual([['backward', false], ['backward', true]]);
  });
});
