import { describe, expect, it } from 'vitest';
import { findQueues, hiddenStretches, makeFrame, occludedOnImage, parseOccluded, placeOnRoad } from '../src/road/index.js';
import { SatcountError } from '../src/types.js';
import { pixelImage, pixelRoad } from './helpers/road.js';

// 1 km road along x, 1 px = 1 m; a two-lane forward queue from 100 to 900 m with a 200 m tunnel (400–600 m) where nothing is seen.
const image = pixelImage(1000, 1000);
const { road, frame } = pixelRoad([[[0, 500], [1000, 500]]], image);
const cars = Array.from({ length: 115 }, (_, i) => 100 + i * 7).filter((c) => c < 400 || c > 600);
const points = cars.flatMap((c) => [frame.pixelToMetric([c, 501.75]), frame.pixelToMetric([c + 3, 505.25])]);
const placed = placeOnRoad(road, points, { corridor_m: 15, driveSide: 'right' });
const allVisible = () => true;

function queueWith(occludedText: string) {
  const occ = occludedOnImage(parseOccluded(occludedText, 'tunnels.geojson', 'pixel'), makeFrame(image), image);
  const seen = hiddenStretches(road, (p) => (occ.covers(p) ? 'occluded' : allVisible()), { driveSide: 'right' });
  const hidden = { forward: [...seen.forward, ...occ.stretches], backward: [...seen.backward, ...occ.stretches] };
  return findQueues(placed, { queueHead: 'end', hidden, coveredRanges: road.coveredRanges, length_m: road.length_m })[0];
}

describe('--occluded road', () => {
  it('without it, a tunnel ends the queue', () => {
    const [q] = findQueues(placed, { queueHead: 'end', hidden: [], coveredRanges: road.coveredRanges, length_m: road.length_m });
    expect(q.start_m).toBeGreaterThan(600);
  });

  it('bridges and fills a tunnel given as a polygon', () => {
    const tunnel = { type: 'Feature', properties: { tunnel: 'yes' }, geometry: { type: 'Polygon', coordinates: [[[398, 480], [602, 480], [602, 520], [398, 520], [398, 480]]] } };
    const q = queueWith(JSON.stringify({ type: 'FeatureCollection', features: [tunnel] }));
    expect(q.start_m).toBeCloseTo(100, 0);
    expect(q.filled).toHaveLength(1);
    expect(q.filled[0]).toMatchObject({ reason: 'occluded', lanes: 2, vehicles_seen: 0 });
    expect(q.filled[0].start_m).toBeCloseTo(398, 0);
    expect(q.filled[0].end_m).toBeCloseTo(602, 0);
    // 230 cars in truth (115 slots × 2 lanes), 172 seen; the tunnel's 204 m of 2 lanes are filled at the seen density.
    expect(q.vehicles_observed).toBe(points.length);
    expect(Math.abs(q.vehicles_estimated - 230)).toBeLessThanOrEqual(4);
  });

  it('bridges and fills a tunnel given as a chainage range', () => {
    const q = queueWith(JSON.stringify({ type: 'Feature', geometry: null, properties: { start_m: 398, end_m: 602 } }));
    expect(q.filled.map((f) => [f.reason, f.start_m, f.end_m])).toEqual([['occluded', 398, 602]]);
  });

  it.each([
    ['a Point', { type: 'Point', coordinates: [1, 2] }, /occluded t\.geojson: the feature: expected a Polygon or MultiPolygon, found Point/],
    ['a reversed range', { type: 'Feature', geometry: null, properties: { start_m: 500, end_m: 400 } }, /start_m < end_m/],
    ['an empty collection', { type: 'FeatureCollection', features: [] }, /no polygon or chainage range found/],
  ])('refuses %s with exit code 2', (_label, json, message) => {
    let err: unknown;
    try {
      parseOccluded(JSON.stringify(json), 't.geojson');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SatcountError);
    expect((err as SatcountError).exitCode).toBe(2);
    expect((err as Error).message).toMatch(message);
  });
});
