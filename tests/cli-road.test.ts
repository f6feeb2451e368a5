import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { satcount } from './helpers/cli.js';
import { BLOB_MODEL, toLonLat, UTM33_GT, writeSquaresTiff, type Square } from './helpers/scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-road-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GSD = 0.3;
const ROAD_Y = 200;
const px = (m: number) => m / GSD;

// East-bound road along pixel row 200. Right-hand traffic: forward (east-bound) vehicles are south
// of the line (larger pixel y), two lanes at 2.5 m and 7.5 m; a queue from x = 100 to x = 1075.
const forward: Square[] = [];
for (let x = 100; x <= 1075; x += 25) for (const off of [2.5, 7.5]) forward.push([x, ROAD_Y + px(off)]);
// A few west-bound cars, 60 m apart: traffic, not a queue.
const backward: Square[] = [150, 350, 550, 750, 950].map((x) => [x, ROAD_Y - px(2.5)]);
// Parked far off the road: detected, but not on the road.
const offRoad: Square[] = [[300, 380], [800, 30]];

const roadGeoJson = (points: [number, number][]) =>
  JSON.stringify({
    type: 'Feature',
    properties: {},
    geometry: { type: 'LineString', coordinates: points.map(([x, y]) => toLonLat(UTM33_GT[0] + x * GSD, UTM33_GT[3] - y * GSD)) },
  });

beforeAll(async () => {
  await writeSquaresTiff(join(dir, 'road.tif'), 1200, 800, [...forward, ...backward, ...offRoad]);
  // The same scene with a band of nodata (cloud mask) over 24 m of the road, hiding 6 queued cars.
  await writeSquaresTiff(join(dir, 'hidden.tif'), 1200, 800, [...forward, ...backward, ...offRoad], { nodataRect: [510, 150, 590, 250] });
  writeFileSync(join(dir, 'east.geojson'), roadGeoJson([[0, ROAD_Y], [1200, ROAD_Y]]));
  writeFileSync(join(dir, 'west.geojson'), roadGeoJson([[1200, ROAD_Y], [0, ROAD_Y]]));
  writeFileSync(join(dir, 'pixel.geojson'), JSON.stringify({ type: 'LineString', coordinates: [[0, ROAD_Y], [1200, ROAD_Y]] }));
  writeFileSync(join(dir, 'elsewhere.geojson'), JSON.stringify({ type: 'LineString', coordinates: [[2.35, 48.85], [2.36, 48.86]] }));
});

const count = async (...args: string[]) => {
  const r = await satcount(['count', ...args, '--model', BLOB_MODEL, '--json']);
  expect(r.stderr).not.toMatch(/internal error/);
  return { ...r, result: r.code === 0 ? JSON.parse(r.stdout) : null };
};

describe('road analysis through the CLI', () => {
  it('splits vehicles by direction and measures the queue', async () => {
    const { result } = await count(join(dir, 'road.tif'), '--road', join(dir, 'east.geojson'));
    expect(result.counts.total).toBe(forward.length + backward.length + offRoad.length);
    expect(result.counts.on_road).toBe(forward.length + backward.length);
    expect(result.counts.by_direction).toEqual({ forward: forward.length, backward: backward.length });
    const q = result.queues.filter((x: { direction: string }) => x.direction === 'forward');
    expect(q).toHaveLength(1);
    // Bumper to bumper: centre of the first to centre of the last, plus half a 14-px vehicle at each end.
    expect(Math.abs(q[0].length_m - (1075 - 100 + 14) * GSD)).toBeLessThan(1.5);
    expect(q[0].lanes).toBe(2);
    expect(q[0].vehicles_observed).toBe(forward.length);
    expect(result.queues.some((x: { direction: string }) => x.direction === 'backward')).toBe(false);
    const lanes = new Set(result.detections.filter((d: { road: { direction: string } | null }) => d.road?.direction === 'forward').map((d: { road: { lane: number } }) => d.road.lane));
    expect([...lanes].sort()).toEqual([0, 1]);
    expect(result.profile.bin_m).toBe(100);
    expect(result.profile.forward.reduce((a: number, b: number) => a + b, 0)).toBe(forward.length);
  });

  it('flips directions when the road is drawn the other way', async () => {
    const { result } = await count(join(dir, 'road.tif'), '--road', join(dir, 'west.geojson'));
    expect(result.counts.by_direction).toEqual({ forward: backward.length, backward: forward.length });
  });

  it('flips directions for left-hand traffic', async () => {
    const { result } = await count(join(dir, 'road.tif'), '--road', join(dir, 'east.geojson'), '--drive-side', 'left');
    expect(result.counts.by_direction).toEqual({ forward: backward.length, backward: forward.length });
  });

  it('accepts a road in pixel coordinates', async () => {
    const { result } = await count(join(dir, 'road.tif'), '--road', join(dir, 'pixel.geojson'), '--road-crs', 'pixel');
    expect(result.counts.by_direction).toEqual({ forward: forward.length, backward: backward.length });
  });

  it('bridges a nodata stretch inside the queue and fills it with the queue density', async () => {
    const { result } = await count(join(dir, 'hidden.tif'), '--road', join(dir, 'east.geojson'));
    const [q] = result.queues.filter((x: { direction: string }) => x.direction === 'forward');
    expect(q.vehicles_observed).toBe(forward.length - 6);
    expect(Math.abs(q.length_m - (1075 - 100 + 14) * GSD)).toBeLessThan(1.5);
    expect(Math.abs(q.vehicles_estimated - forward.length)).toBeLessThanOrEqual(2);
    expect(q.filled).toHaveLength(1);
    expect(q.filled[0].reason).toBe('nodata');
  });

  it('reads only the corridor tiles', async () => {
    const full = await count(join(dir, 'road.tif'));
    const corridor = await count(join(dir, 'road.tif'), '--road', join(dir, 'east.geojson'), '--corridor', '10');
    expect(corridor.result.timing.tiles).toBeLessThan(full.result.timing.tiles);
  });

  it('writes queue extents to GeoJSON and a profile plot', async () => {
    const gj = join(dir, 'q.geojson');
    const plot = join(dir, 'profile.png');
    const r = await satcount(['count', join(dir, 'road.tif'), '--road', join(dir, 'east.geojson'), '--model', BLOB_MODEL, '--geojson', gj, '--profile-plot', plot, '--quiet']);
    expect(r.code).toBe(0);
    const queues = JSON.parse(readFileSync(gj, 'utf8')).features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'queue');
    expect(queues).toHaveLength(1);
    expect(queues[0].geometry.type).toBe('LineString');
    expect(readFileSync(plot).subarray(1, 4).toString()).toBe('PNG');
    expect(r.stdout).toMatch(/queue forward: 29\d m/);
  });

  it('refuses a road that misses the image (exit 2)', async () => {
    const r = await count(join(dir, 'road.tif'), '--road', join(dir, 'elsewhere.geojson'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/elsewhere\.geojson.*does not cross/);
  });
});
