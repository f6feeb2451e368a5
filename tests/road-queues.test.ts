import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { densityProfile, findQueues, hiddenStretches } from '../src/road/index.js';
import type { HiddenStretch } from '../src/road/index.js';
import { renderProfilePlot } from '../src/report/profile-plot.js';
import type { Direction, RoadPlacement } from '../src/types.js';
import { pixelImage, pixelRoad } from './helpers/road.js';

/** Vehicles every `spacing` metres from `from` to `to` (inclusive), skipping chainages inside `skip`. */
function vehicles(direction: Direction, from: number, to: number, spacing: number, skip?: [number, number], lanes = 1): RoadPlacement[] {
  const out: RoadPlacement[] = [];
  for (let c = from; c <= to + 1e-9; c += spacing) {
    if (skip && c > skip[0] && c < skip[1]) continue;
    for (let lane = 0; lane < lanes; lane++) {
      out.push({ chainage_m: c, offset_m: (direction === 'forward' ? 1 : -1) * (1.75 + 3.5 * lane), direction, lane, verge: false });
    }
  }
  return out;
}

const whole = (length_m: number) => ({ coveredRanges: [{ start_m: 0, end_m: length_m }], length_m });

describe('findQueues', () => {
  it('bridges a hidden stretch and fills it with the queue density', () => {
    // 7.5 m spacing from 0 to 300 m; 100–150 m under cloud (no vehicle seen there).
    const seen = vehicles('backward', 0, 300, 7.5, [100, 150]);
    const hidden: HiddenStretch[] = [{ start_m: 100, end_m: 150, reason: 'nodata' }];
    const [q] = findQueues(seen, { queueHead: 'start', hidden, ...whole(1000) });
    expect(q).toMatchObject({ direction: 'backward', start_m: 0, end_m: 300, length_m: 300, lanes: 1, vehicles_observed: 35 });
    // 35 seen over 250 visible metres; 50 hidden metres hold 35 / 250 × 50 = 7 more.
    expect(q.visible_length_m).toBe(250);
    expect(q.filled).toEqual([
      { start_m: 100, end_m: 150, reason: 'nodata', at_head: false, length_m: 50, density_per_lane_per_km: 140, lanes: 1, vehicles_seen: 0, vehicles_added: 7 },
    ]);
    expect(q.vehicles_estimated).toBe(42);
  });

  it('fills per lane: two lanes hold twice the vehicles', () => {
    const seen = vehicles('backward', 0, 300, 7.5, [100, 150], 2);
    const [q] = findQueues(seen, { queueHead: 'start', hidden: [{ start_m: 100, end_m: 150, reason: 'nodata' }], ...whole(1000) });
    expect(q.lanes).toBe(2);
    expect(q.vehicles_observed).toBe(70);
    expect(q.filled[0].vehicles_added).toBe(14);
    expect(q.vehicles_estimated).toBe(84);
  });

  it('does not double count a vehicle seen through a gap in the hidden stretch', () => {
    const seen = [...vehicles('backward', 0, 300, 7.5, [100, 150]), vehicles('backward', 125, 125, 1)[0]];
    const [q] = findQueues(seen, { queueHead: 'start', hidden: [{ start_m: 100, end_m: 150, reason: 'cloud' }], ...whole(1000) });
    expect(q.vehicles_observed).toBe(36);
    expect(q.filled[0]).toMatchObject({ reason: 'cloud', vehicles_seen: 1, vehicles_added: 6 });
    expect(q.vehicles_estimated).toBe(42);
  });

  it('runs a queue on under hidden road at its head, but not past the image edge', () => {
    // Head at the end (1000 m); 900–990 m under cloud; the queue is seen from 890 m back to 500 m.
    const seen = vehicles('forward', 500, 890, 7.5);
    const cloud: HiddenStretch[] = [{ start_m: 900, end_m: 990, reason: 'cloud' }];
    const [q] = findQueues(seen, { queueHead: 'end', hidden: cloud, ...whole(1000) });
    expect(q).toMatchObject({ start_m: 500, end_m: 990, head_m: 990, head_gap_m: 10, head_reason: 'road-end' });
    // 53 seen over the 400 visible metres of a 490 m queue: the 90 hidden metres hold 53 / 400 × 90 = 11.9 more.
    expect(q).toMatchObject({ length_m: 490, visible_length_m: 400, vehicles_observed: 53, vehicles_estimated: 65 });
    expect(q.filled).toEqual([expect.objectContaining({ start_m: 900, end_m: 990, at_head: true, vehicles_added: 11.9 })]);
    const [edge] = findQueues(seen, { queueHead: 'end', hidden: [], coveredRanges: [{ start_m: 0, end_m: 900 }], length_m: 1000 });
    expect(edge).toMatchObject({ end_m: 890, head_gap_m: 110, head_reason: 'image-edge', filled: [] });
  });

  it('does not make a queue of stray cars either side of a hidden stretch', () => {
    const seen = [...vehicles('backward', 80, 95, 15), ...vehicles('backward', 160, 160, 1)];
    const found = findQueues(seen, { queueHead: 'start', hidden: [{ start_m: 100, end_m: 150, reason: 'nodata' }], ...whole(1000) });
    expect(found).toEqual([]);
  });

  it('ends the queue at a visible gap above max-gap', () => {
    const seen = vehicles('backward', 0, 300, 7.5, [100, 150]);
    const [q] = findQueues(seen, { queueHead: 'start', hidden: [], ...whole(1000) });
    expect(q).toMatchObject({ start_m: 0, end_m: 97.5, vehicles_observed: 14, vehicles_estimated: 14, tail_reason: 'gap' });
  });

  it('splits at a gap just over max-gap and keeps one just under', () => {
    const seen = [0, 10, 20, 44, 54, 64, 94.5, 104].map((c) => vehicles('backward', c, c, 1)[0]);
    const [q] = findQueues(seen, { queueHead: 'start', hidden: [], maxGap_m: 25, ...whole(200) });
    expect(q).toMatchObject({ start_m: 0, end_m: 64, vehicles_observed: 6 });
    const [tighter] = findQueues(seen, { queueHead: 'start', hidden: [], maxGap_m: 20, ...whole(200) });
    expect(tighter).toMatchObject({ start_m: 0, end_m: 20, vehicles_observed: 3 });
  });

  it('does not bridge a hidden stretch with long visible gaps on either side', () => {
    const seen = [...vehicles('backward', 0, 50, 5), ...vehicles('backward', 200, 250, 5)];
    const [q] = findQueues(seen, { queueHead: 'start', hidden: [{ start_m: 120, end_m: 130, reason: 'nodata' }], ...whole(300) });
    expect(q.end_m).toBe(50);
  });

  it('starts at the queue head, which is downstream: forward queues wait at the end, backward at the start', () => {
    const seen = [
      ...vehicles('forward', 0, 100, 7),
      ...vehicles('forward', 400, 700, 7),
      ...vehicles('backward', 50, 120, 8),
      ...vehicles('backward', 800, 990, 8),
    ];
    for (const queueHead of ['end', 'start'] as const) {
      const found = findQueues(seen, { queueHead, hidden: [], ...whole(1000) });
      expect(found.find((q) => q.direction === 'forward')).toMatchObject({ head: 'end', start_m: 400, head_m: 694, end_m: 694, head_gap_m: 306 });
      expect(found.find((q) => q.direction === 'backward')).toMatchObject({ head: 'start', start_m: 50, end_m: 114, head_m: 50, head_gap_m: 50 });
      // The queue of the traffic heading for the named end (e.g. the border post) is listed first.
      expect(found[0].direction).toBe(queueHead === 'end' ? 'forward' : 'backward');
    }
  });

  it('skips a cluster too small to be a queue', () => {
    const seen = [...vehicles('forward', 990, 998, 8), ...vehicles('forward', 500, 800, 7.5)];
    const [q] = findQueues(seen, { queueHead: 'end', hidden: [], ...whole(1000) });
    expect(q).toMatchObject({ start_m: 500, end_m: 800 });
    expect(findQueues(vehicles('forward', 0, 10, 5).slice(0, 2), { queueHead: 'start', hidden: [], ...whole(100) })).toEqual([]);
  });

  it('does not take a handful of detections past the head of a long jam for the queue', () => {
    // A 900 m jam and, 60 m nearer the border post, three detections on an empty verge (tree
    // shadows, as in the seed-scale bench): the jam is the queue, its head 100 m from the post.
    const jam = vehicles('forward', 0, 900, 7.5);
    const strays = vehicles('forward', 960, 980, 10);
    const [q] = findQueues([...jam, ...strays], { queueHead: 'end', hidden: [], ...whole(1000) });
    expect(q).toMatchObject({ start_m: 0, end_m: 900, head_gap_m: 100, vehicles_observed: 121 });
    // A run with a tenth of the jam's vehicles is a queue of its own at the head, and wins.
    const twelve = vehicles('forward', 910, 992.5, 7.5);
    expect(twelve).toHaveLength(12);
    const [head] = findQueues([...jam.filter((v) => v.chainage_m < 880), ...twelve], { queueHead: 'end', hidden: [], ...whole(1000) });
    expect(head).toMatchObject({ start_m: 910, end_m: 992.5, vehicles_observed: 12 });
  });

  it('says when a queue runs off the image, and uses per-direction hidden stretches', () => {
    const seen = [...vehicles('forward', 210, 400, 7.5), ...vehicles('backward', 210, 400, 7.5)];
    const hidden = { backward: [{ start_m: 300, end_m: 320, reason: 'nodata' as const }], forward: [] };
    const queues = findQueues(seen, { queueHead: 'start', hidden, coveredRanges: [{ start_m: 200, end_m: 1000 }], length_m: 1000 });
    const fwd = queues.find((q) => q.direction === 'forward')!;
    const bwd = queues.find((q) => q.direction === 'backward')!;
    expect(bwd.head_reason).toBe('image-edge');
    expect(bwd.filled).toHaveLength(1);
    expect(fwd.filled).toHaveLength(0);
    expect(fwd.tail_reason).toBe('image-edge');
  });
});

describe('densityProfile', () => {
  it('bins vehicles along the whole road; bins sum to the counts', () => {
    const seen = [...vehicles('forward', 0, 1049, 7), ...vehicles('backward', 333, 444, 3)];
    const profile = densityProfile([...seen, null], { length_m: 1050 }, 100);
    expect(profile.bin_m).toBe(100);
    expect(profile.forward).toHaveLength(11);
    expect(profile.forward.reduce((a, b) => a + b)).toBe(seen.filter((v) => v.direction === 'forward').length);
    expect(profile.backward.reduce((a, b) => a + b)).toBe(seen.filter((v) => v.direction === 'backward').length);
    expect(profile.forward[0]).toBe(15);
    const atEnd = densityProfile([{ chainage_m: 1050, offset_m: 2, direction: 'forward', lane: 0 }], { length_m: 1050 }, 100);
    expect(atEnd.forward[10]).toBe(1);
  });
});

describe('hiddenStretches', () => {
  it('finds nodata on one carriageway and image edges on both', () => {
    // Road along pixel row 50 from x = −40 to 200 on a 200 × 100 image with 1 m pixels.
    const image = pixelImage(200, 100);
    const { road } = pixelRoad([[[-40, 50], [200, 50]]], image);
    // Nodata south of the line (right of travel: forward with right-hand traffic) for x in [100, 130).
    const isVisible = ([x, y]: [number, number]) => !(x >= 100 && x < 130 && y > 50);
    const hidden = hiddenStretches(road, isVisible, { driveSide: 'right', step_m: 2, offsets_m: [1.75, 5.25] });
    expect(hidden.forward).toEqual([
      { start_m: 0, end_m: 40, reason: 'image-edge' },
      { start_m: 140, end_m: 170, reason: 'nodata' },
    ]);
    expect(hidden.backward).toEqual([{ start_m: 0, end_m: 40, reason: 'image-edge' }]);
    const leftHand = hiddenStretches(road, isVisible, { driveSide: 'left', step_m: 2, offsets_m: [1.75, 5.25] });
    expect(leftHand.backward.map((h) => h.reason)).toEqual(['image-edge', 'nodata']);
  });
});

describe('renderProfilePlot', () => {
  it('writes a PNG of the profile and leaves no temporary file', async () => {
    const seen = [...vehicles('forward', 0, 800, 7.5, [300, 350], 2), ...vehicles('backward', 100, 600, 60)];
    const profile = densityProfile(seen, { length_m: 1200 }, 100);
    const queues = findQueues(seen, { queueHead: 'end', hidden: [{ start_m: 300, end_m: 350, reason: 'nodata' }], ...whole(1200) });
    const dir = mkdtempSync(join(tmpdir(), 'satcount-plot-'));
    const out = join(dir, 'profile.png');
    await renderProfilePlot(profile, queues, out, { coveredRanges: [{ start_m: 0, end_m: 1000 }], title: 'border queue' });
    const meta = await sharp(out).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1200, height: 520 });
    expect(readdirSync(dir)).toEqual(['profile.png']);
  });
});

describe('findQueues with vehicle lengths', () => {
  it('measures gaps between bumpers, so a jam of trucks with one missed truck stays one queue', () => {
    // 16 m trucks nose to tail with 2 m gaps: centres 18 m apart; the one at 90 m was missed.
    const seen = vehicles('forward', 0, 180, 18).filter((v) => v.chainage_m !== 90);
    const halfLengths = seen.map(() => 8);
    const [q] = findQueues(seen, { queueHead: 'end', hidden: [], ...whole(1000), halfLengths });
    // Centre to centre the hole is 36 m (> 25 m); bumper to bumper it is 20 m.
    expect(q).toMatchObject({ start_m: -8, end_m: 188, length_m: 196, vehicles_observed: 10 });
    const [centres] = findQueues(seen, { queueHead: 'end', hidden: [], ...whole(1000) });
    expect(centres).toMatchObject({ start_m: 108, end_m: 180 });
  });
});
