/**
 * Golden outputs of the report writers: the GeoJSON and CSV text, and fingerprints (SHA-256) of
 * the SVG layers that the overlay and the profile plot are rasterised from (the PNG bytes depend
 * on the libvips build, the drawing does not). After an intended change, regenerate with
 *
 *   REGEN=1 npx vitest run tests/golden.test.ts
 *
 * and review the diff of tests/golden/ before committing it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { georefFrom } from '../src/raster/geo/georef.js';
import { detectionsCsv } from '../src/report/csv.js';
import { toGeoJson } from '../src/report/geojson.js';
import { overlaySvg } from '../src/report/overlay.js';
import { profileSvg } from '../src/report/profile-plot.js';
import type { Queue } from '../src/road/types.js';
import type { Detection } from '../src/types.js';
import { UTM33_GT } from './helpers/scenes.js';

const GOLDEN = new URL('./golden/', import.meta.url);
const regen = process.env.REGEN === '1';

function golden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN);
  if (regen || !existsSync(file)) {
    if (!regen) throw new Error(`tests/golden/${name} is missing: run REGEN=1 npx vitest run tests/golden.test.ts`);
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex') + '\n';

const georef = georefFrom(UTM33_GT, '+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs');

/** Two vehicles on the road (one each way) and one off it, one class name that needs CSV quoting. */
const detections: Detection[] = [
  { id: 1, class: 'car', score: 0.912, bbox_px: [100, 200, 115.5, 206.25], center_px: [107.75, 203.13], center_crs: null, lonlat: null, road: { chainage_m: 12.34, offset_m: 1.7, direction: 'forward', lane: 0 } },
  { id: 2, class: 'truck', score: 0.5, bbox_px: [300.12, 210, 340, 218.5], center_px: [320.06, 214.25], center_crs: null, lonlat: null, road: { chainage_m: 72.4, offset_m: -5.1, direction: 'backward', lane: 1 } },
  { id: 3, class: 'van, "large"', score: 0.433, bbox_px: [50, 50, 60, 56], center_px: [55, 53], center_crs: null, lonlat: null, road: null },
].map((d) => {
  const crs = georef.pixelToCrs(d.center_px);
  return { ...d, center_crs: [Math.round(crs[0] * 1000) / 1000, Math.round(crs[1] * 1000) / 1000], lonlat: georef.crsToLonLat(crs).map((v) => Math.round(v * 1e8) / 1e8) as [number, number] } as Detection;
});

const queue: Queue = {
  direction: 'forward', start_m: 10, end_m: 260.5, length_m: 250.5, lanes: 2, vehicles_observed: 41, vehicles_estimated: 45,
  head: 'end', head_m: 260.5, head_gap_m: 3.2, visible_length_m: 230.5, density_per_lane_per_km: 88.9,
  filled: [{ start_m: 120, end_m: 140, reason: 'cloud', at_head: false, length_m: 20, density_per_lane_per_km: 88.9, lanes: 2, vehicles_seen: 0, vehicles_added: 3.6 }],
  head_reason: 'road-end', tail_reason: 'gap',
};

describe('report writers against golden outputs', () => {
  it('GeoJSON: points, and queue extents as LineStrings', () => {
    const queues = [{ coordinates: [georef.crsToLonLat(georef.pixelToCrs([0, 205])), georef.crsToLonLat(georef.pixelToCrs([400, 205]))], properties: { direction: 'forward', length_m: 250.5 } }];
    golden('detections.geojson', toGeoJson(detections, georef, { queues }));
  });

  it('GeoJSON: boxes as counter-clockwise polygons', () => {
    golden('detections-boxes.geojson', toGeoJson(detections, georef, { boxes: true }));
  });

  it('CSV: one row per detection, RFC 4180 quoting', () => {
    golden('detections.csv', detectionsCsv(detections));
  });

  it('overlay: the drawing over the image', () => {
    const road = { lines: [[[0, 205], [400, 205]] as [number, number][]], corridorPx: 50, queues: [{ direction: 'forward' as const, lines: [[[30, 205], [380, 205]] as [number, number][]] }] };
    golden('overlay.svg.sha256', sha256(overlaySvg(400, 300, 1, detections, road)));
  });

  it('profile plot: bars, queue extent and its filled stretch', () => {
    const profile = { bin_m: 25, forward: [0, 3, 5, 6, 4, 0, 0, 5, 6, 7, 3, 0], backward: [0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0] };
    golden('profile.svg.sha256', sha256(profileSvg(profile, [queue], { coveredRanges: [{ start_m: 0, end_m: 300 }], title: 'golden' })));
  });
});
