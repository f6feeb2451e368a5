import { describe, expect, it } from 'vitest';
import { countEstimate, qualityAtGsd, queueEstimate, type DetectionQuality } from '../src/road/index.js';
import type { Queue } from '../src/road/index.js';
import { createRng, type Rng } from '../src/random/prng.js';
import type { QualityEntry } from '../src/types.js';

const entry = (gsd_m: number, cls: string, precision: number, recall: number, n_truth: number): QualityEntry => ({ gsd_m, class: cls, precision, recall, n_truth, set: 'test' });
const quality: QualityEntry[] = [
  entry(0.3, 'car', 0.96, 0.94, 3000),
  entry(0.3, 'truck', 0.9, 0.7, 400),
  entry(0.5, 'car', 0.92, 0.86, 3000),
  entry(0.5, 'truck', 0.8, 0.5, 400),
];

/** Binomial draw by summing Bernoullis: small n only, as in these tests. */
const binomial = (rng: Rng, n: number, p: number) => {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
};

describe('quality at the image GSD', () => {
  it('pools classes by their truth and interpolates between the 0.3 and 0.5 m bands', () => {
    const at03 = qualityAtGsd(quality, 0.3)!;
    // Recall pooled over 3,400 vehicles: (0.94·3000 + 0.7·400) / 3400.
    expect(at03.recall).toBeCloseTo((0.94 * 3000 + 0.7 * 400) / 3400, 6);
    const at05 = qualityAtGsd(quality, 0.5)!;
    const at04 = qualityAtGsd(quality, 0.4)!;
    expect(at04.recall).toBeCloseTo((at03.recall + at05.recall) / 2, 6);
    expect(at04.precision).toBeCloseTo((at03.precision + at05.precision) / 2, 6);
    expect(qualityAtGsd(quality, 0.2)!.recall).toBeCloseTo(at03.recall, 6);
    expect(qualityAtGsd(quality, 0.8)!.recall).toBeCloseTo(at05.recall, 6);
    expect(qualityAtGsd(undefined, 0.3)).toBeNull();
    expect(qualityAtGsd([], 0.3)).toBeNull();
    expect(at03.between_sets).toBe(0);
  });

  it('kinds of imagery that disagree widen the interval: a new image may be any of them', () => {
    const set = (name: string, precision: number, recall: number): QualityEntry => ({ gsd_m: 0.3, class: 'car', precision, recall, n_truth: 1000, set: name });
    // Satellite over-counts (correction 0.7), the aerial sets are near 1.
    const sets = [set('satellite', 0.63, 0.9), set('packed', 0.95, 0.9), set('kit', 0.92, 0.9)];
    const q = qualityAtGsd(sets, 0.3)!;
    const corrections = [0.7, 0.95 / 0.9, 0.92 / 0.9];
    const mean = corrections.reduce((s, v) => s + v, 0) / 3;
    const sd = Math.sqrt(corrections.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
    expect(q.between_sets).toBeCloseTo(sd / (q.precision / q.recall), 6);
    const agreeing = qualityAtGsd([set('a', 0.85, 0.9), set('b', 0.85, 0.9), set('c', 0.85, 0.9)], 0.3)!;
    expect(agreeing.between_sets).toBeCloseTo(0, 9);
    const wide = countEstimate(1000, q).interval;
    const narrow = countEstimate(1000, { ...q, between_sets: 0 }).interval;
    expect(wide[1] - wide[0]).toBeGreaterThan(3 * (narrow[1] - narrow[0]));
    // 1,000 detections of an image like the satellite set (truth 700) or like KIT (truth 1,022): both inside.
    expect(wide[0]).toBeLessThanOrEqual(700);
    expect(wide[1]).toBeGreaterThanOrEqual(1022);
  });
});

describe('intervals on simulated detection', () => {
  const q: DetectionQuality = { gsd_m: 0.3, precision: 0.95, recall: 0.9, n_truth: 3000, between_sets: 0 };

  it('a count interval holds the truth about 95 % of the time', () => {
    const rng = createRng(3);
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const truth = 300 + Math.floor(rng.next() * 300);
      const found = binomial(rng, truth, q.recall);
      // False alarms so that precision holds on average: fp = found·(1−p)/p.
      const falseAlarms = binomial(rng, Math.round((found * (1 - q.precision)) / q.precision / 0.5), 0.5);
      const { interval } = countEstimate(found + falseAlarms, q);
      if (interval[0] <= truth && truth <= interval[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.995);
  });

  it('a queue with hidden stretches: the interval widens with the fill and holds the truth about 95 % of the time', () => {
    const rng = createRng(8);
    let covered = 0;
    let widthFilled = 0;
    let widthOpen = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      // A 2-lane queue, 0–2000 m, a car every 6–9 m per lane; 400–700 m hidden.
      const cars: number[] = [];
      for (let lane = 0; lane < 2; lane++) for (let c = rng.uniform(0, 5); c < 2000; c += rng.uniform(6, 9)) cars.push(c);
      const hidden = (c: number) => c > 400 && c < 700;
      const seen = cars.filter((c) => !hidden(c) && rng.next() < q.recall);
      const fp = Array.from({ length: binomial(rng, Math.round((seen.length * (1 - q.precision)) / q.precision / 0.5), 0.5) }, () => {
        let c = rng.uniform(0, 2000);
        while (hidden(c)) c = rng.uniform(0, 2000);
        return c;
      });
      const visible = [...seen, ...fp];
      const density = visible.length / (2 * 1700);
      const queue: Queue = {
        direction: 'forward', start_m: 0, end_m: 2000, length_m: 2000, lanes: 2, vehicles_observed: visible.length,
        vehicles_estimated: Math.round(visible.length + density * 600), head: 'end', head_m: 2000, head_gap_m: 0, visible_length_m: 1700,
        density_per_lane_per_km: density * 1000, head_reason: 'road-end', tail_reason: 'gap',
        filled: [{ start_m: 400, end_m: 700, reason: 'occluded', at_head: false, length_m: 300, density_per_lane_per_km: density * 1000, lanes: 2, vehicles_seen: 0, vehicles_added: density * 600 }],
      };
      const est = queueEstimate(queue, { visibleChainages: visible }, q);
      if (est.interval[0] <= cars.length && cars.length <= est.interval[1]) covered++;
      widthFilled += est.interval[1] - est.interval[0];
      widthOpen += countEstimate(visible.length, q).interval[1] - countEstimate(visible.length, q).interval[0];
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.995);
    expect(widthFilled).toBeGreaterThan(widthOpen);
  });
});
