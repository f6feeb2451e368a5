import { describe, expect, it } from 'vitest';
import { compareCase, formatCheckTable, metricValue } from '../src/check/compare.js';
import { parseCheckSpec } from '../src/check/spec.js';
import type { CountResult } from '../src/pipeline/result.js';

const result = {
  counts: { total: 410, by_class: { car: 400, truck: 10 }, on_road: 405, by_direction: { forward: 398, backward: 7 } },
  queues: [
    { direction: 'forward', start_m: 10, end_m: 1010, length_m: 1000, lanes: 2, vehicles_observed: 398, vehicles_estimated: 400 },
    { direction: 'forward', start_m: 1200, end_m: 1250, length_m: 50, lanes: 1, vehicles_observed: 6, vehicles_estimated: 6 },
  ],
} as unknown as CountResult;

describe('check spec', () => {
  it('resolves paths relative to the spec and accepts number shorthand', () => {
    const spec = parseCheckSpec(
      JSON.stringify({ cases: [{ image: 'a.tif', road: 'a.road.geojson', flags: { 'queue-head': 'end' }, expect: { total: 410, forward: { value: 398, rel: 0.05 } } }] }),
      '/ci/specs/check.json',
    );
    expect(spec.cases[0].image).toBe('/ci/specs/a.tif');
    expect(spec.cases[0].road).toBe('/ci/specs/a.road.geojson');
    expect(spec.cases[0].expect.total).toEqual({ value: 410 });
  });

  it('takes "images" as one mosaic, named by its images', () => {
    const spec = parseCheckSpec(JSON.stringify({ cases: [{ images: ['t/a_R1C1.tif', '/abs/a_R1C2.tif'], expect: { total: 10 } }] }), '/ci/check.json');
    expect(spec.cases[0].image).toEqual(['/ci/t/a_R1C1.tif', '/abs/a_R1C2.tif']);
    expect(spec.cases[0].name).toBe('t/a_R1C1.tif + /abs/a_R1C2.tif');
  });

  it.each([
    ['not json', '{', /not JSON/],
    ['no cases', '{}', /non-empty "cases"/],
    ['no image', '{"cases":[{"expect":{"total":1}}]}', /image must be a path/],
    ['both image and images', '{"cases":[{"image":"a.tif","images":["b.tif"],"expect":{"total":1}}]}', /has both "image" and "images"/],
    ['empty images', '{"cases":[{"images":[],"expect":{"total":1}}]}', /images must be a non-empty array of paths/],
    ['empty expect', '{"cases":[{"image":"a.tif","expect":{}}]}', /at least one value/],
    ['bad tolerance', '{"cases":[{"image":"a.tif","expect":{"total":{"value":1,"rel":-1}}}]}', /rel must be a number/],
    ['unknown key', '{"cases":[{"image":"a.tif","expect":{"total":{"value":1,"tol":1}}}]}', /unknown key "tol"/],
  ])('refuses a spec with %s, naming the file', (_name, text, message) => {
    expect(() => parseCheckSpec(text, 'spec.json')).toThrow(message);
    expect(() => parseCheckSpec(text, 'spec.json')).toThrow(/^spec\.json: bad check spec/);
  });
});

describe('check comparison', () => {
  it('reads aliases, dotted paths and the longest queue of a direction', () => {
    expect(metricValue(result, 'total')).toBe(410);
    expect(metricValue(result, 'backward')).toBe(7);
    expect(metricValue(result, 'counts.by_class.truck')).toBe(10);
    expect(metricValue(result, 'queues.forward.length_m')).toBe(1000);
    expect(metricValue(result, 'queues.backward.length_m')).toBe(0);
    expect(metricValue(result, 'counts.nothing')).toBeNull();
  });

  it('passes values within tolerance and fails values moved outside it', () => {
    const rows = compareCase('c', result, {
      total: { value: 400, rel: 0.05 },
      forward: { value: 390, abs: 5 },
      'queues.forward.length_m': { value: 1000 },
    });
    expect(rows.map((r) => r.ok)).toEqual([true, false, true]);
    const table = formatCheckTable(rows);
    expect(table).toMatch(/forward\s+390\s+5\s+398\s+FAIL/);
  });

  it('fails a metric the result does not have instead of skipping it', () => {
    const [row] = compareCase('c', result, { 'counts.typo': { value: 1, abs: 100 } });
    expect(row.ok).toBe(false);
    expect(row.actual).toBeNull();
  });
});
