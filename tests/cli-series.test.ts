import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeScene } from '../src/synth/write.js';
import type { Series } from '../src/series/run.js';
import { satcount } from './helpers/cli.js';
import { expectValidResult } from './helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One road on three days; the file names are out of date order on purpose.
const days = [
  { name: 'c.tif', date: '2026-03-13T09:20:00Z', queue: 200 },
  { name: 'a.tif', date: '2026-03-14T09:30:00Z', queue: 400 },
  { name: 'b.tif', date: '2026-03-15T09:40:00Z', queue: 600 },
];
const scenes = join(dir, 'scenes');
const road = join(scenes, 'a.road.geojson');
const truth = new Map<string, number>();

beforeAll(async () => {
  mkdirSync(scenes);
  for (const d of days) {
    const s = await writeScene(join(scenes, d.name), { seed: 11, queueLength: d.queue, width: 2400, height: 800 }, { date: d.date });
    truth.set(d.date, s.truth.queues.find((q) => q.jammed)!.length_m);
  }
}, 400_000);

describe('satcount series', { timeout: 300_000 }, () => {
  const out = join(dir, 'out');
  const report = join(dir, 'report.html');
  let first: Awaited<ReturnType<typeof satcount>>;

  beforeAll(async () => {
    first = await satcount(['series', scenes, '--road', road, '--out-dir', out, '--report', report, '--json', '--quiet'], { timeoutMs: 400_000 });
  }, 420_000);

  it('gives one row per acquisition in time order, with the queue within 3 % of the truth', () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const s = JSON.parse(first.stdout) as Series;
    expect(s.rows.map((r) => r.acquired)).toEqual(days.map((d) => d.date));
    expect(s.rows.map((r) => r.images.map((i) => i.split('/').pop()))).toEqual(days.map((d) => [d.name]));
    for (const r of s.rows) {
      expect(r.status).toBe('ok');
      const want = truth.get(r.acquired)!;
      expect(Math.abs(r.queues!.forward!.length_m - want) / want).toBeLessThan(0.03);
    }
    // Growth between days: the queue grew by ~200 m in ~24 h.
    expect(s.rows[0].change).toBeNull();
    expect(s.rows[1].change!.hours).toBeCloseTo(24 + 10 / 60, 3);
    expect(s.rows[2].growth_per_hour!.queue_forward_m).toBeCloseTo(s.rows[2].change!.queue_forward_m / s.rows[2].change!.hours, 0);
    expect(s.rows[2].growth_per_hour!.queue_forward_m).toBeGreaterThan(5);
  });

  it('writes series.json, series.csv, the plot and each acquisition\'s result with its time, as the published schema says', async () => {
    const s = JSON.parse(readFileSync(join(out, 'series.json'), 'utf8')) as Series;
    expect(s.acquisitions).toBe(3);
    const csv = readFileSync(join(out, 'series.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toMatch(/^acquired,images,status,vehicles,/);
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(days.map((d) => d.date));
    const meta = await sharp(join(out, 'series.png')).metadata();
    expect([meta.format, meta.width]).toEqual(['png', 1200]);
    for (const r of s.rows) {
      const result = JSON.parse(readFileSync(join(out, r.result!), 'utf8'));
      expect(result.image.acquired).toBe(r.acquired);
      expect(result.image.acquired_from).toBe('tiff-datetime');
      expect(result.counts.total).toBe(r.vehicles);
      expect(result.series.key).toMatch(/^[0-9a-f]{32}$/);
      expectValidResult(result);
    }
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('href="#acq-20260314T093000Z"');
    expect(html.match(/<section class="view"/g)).toHaveLength(3);
  });

  it('resumes: a second run counts nothing again and gives the same rows', async () => {
    const again = await satcount(['series', scenes, '--road', road, '--out-dir', out, '--json', '--quiet'], { timeoutMs: 300_000 });
    expect(again.code).toBe(0);
    const a = JSON.parse(first.stdout) as Series;
    const b = JSON.parse(again.stdout) as Series;
    expect(b.rows.map((r) => r.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(b.rows.map((r) => [r.acquired, r.vehicles, r.queues])).toEqual(a.rows.map((r) => [r.acquired, r.vehicles, r.queues]));
  });

  it('splits acquisitions between shards', async () => {
    const s2 = await satcount(['series', scenes, '--road', road, '--out-dir', out, '--shard', '2/2', '--json', '--quiet'], { timeoutMs: 300_000 });
    expect(JSON.parse(s2.stdout).rows.map((r: { acquired: string }) => r.acquired)).toEqual([days[1].date]);
  });
});

describe('satcount series refuses', { timeout: 300_000 }, () => {
  it('images without a date, naming them, unless --date is given', async () => {
    const undated = join(dir, 'undated');
    mkdirSync(undated);
    await writeScene(join(undated, 'no-date.tif'), { seed: 11, queueLength: 100, width: 600, height: 400 });
    const r = await satcount(['series', undated, '--road', join(undated, 'no-date.road.geojson'), '--out-dir', join(dir, 'undated-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^satcount: no acquisition time for 1 image: .*no-date\.tif .*--date/m);
    expect(existsSync(join(dir, 'undated-out'))).toBe(false);
    const dated = await satcount(['series', undated, '--road', join(undated, 'no-date.road.geojson'), '--out-dir', join(dir, 'undated-out'), '--date', '2026-03-16', '--json', '--quiet']);
    expect(dated.code).toBe(0);
    expect(JSON.parse(dated.stdout).rows[0].acquired).toBe('2026-03-16T00:00:00Z');
  });

  it('an unwritable report path before any work', async () => {
    const target = join(dir, 'blocked-out');
    const r = await satcount(['series', scenes, '--road', road, '--out-dir', target, '--report', join(scenes, 'a.tif', 'report.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^satcount: cannot write .*a\.tif\/report\.html: .*a\.tif is not a folder$/m);
    expect(existsSync(target)).toBe(false);
  });

  it('nothing for a road that misses one acquisition: that row says so, the others go on (exit 4)', async () => {
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    await writeScene(join(mixed, 'here.tif'), { seed: 11, queueLength: 100, width: 600, height: 400 }, { date: '2026-03-13T09:00:00Z' });
    await writeScene(join(mixed, 'elsewhere.tif'), { seed: 11, queueLength: 100, width: 600, height: 400, center: [23.5, 50.2] }, { date: '2026-03-14T09:00:00Z' });
    const out = join(dir, 'mixed-out');
    const r = await satcount(['series', mixed, '--road', join(mixed, 'here.road.geojson'), '--out-dir', out, '--json', '--quiet'], { timeoutMs: 300_000 });
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout) as Series;
    expect(s.rows.map((x) => x.status)).toEqual(['ok', 'failed']);
    expect(s.rows[1].error).toMatch(/elsewhere\.tif/);
    expect(r.stderr).toMatch(/^satcount: .*elsewhere\.tif/m);
    expect(readdirSync(out).sort()).toEqual(['20260313T090000Z.json', 'series.csv', 'series.json', 'series.png']);
  });
});

describe('satcount series on a tiled delivery', { timeout: 300_000 }, () => {
  const tiled = join(dir, 'tiled');

  it('counts the tiles of one acquisition as one mosaic: one row, the same count as the whole scene', async () => {
    mkdirSync(tiled);
    const scene = await writeScene(join(tiled, 'scene.tif'), { seed: 12, queueLength: 300, width: 1600, height: 600 }, {
      date: '2026-03-16T09:00:00Z',
      tiles: { cols: 2, rows: 1, overlap: 64 },
    });
    const tiles = scene.paths.tiles!;
    expect(tiles).toHaveLength(2);
    const tiledRoad = join(tiled, 'scene.road.geojson');
    const s = await satcount(['series', ...tiles, '--road', tiledRoad, '--out-dir', join(dir, 'tiled-out'), '--json', '--quiet'], { timeoutMs: 280_000 });
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    const rows = (JSON.parse(s.stdout) as Series).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].images).toHaveLength(2);
    expect(rows[0].warnings ?? []).toEqual([]);
    const whole = await satcount(['count', ...tiles, '--road', tiledRoad, '--json', '--quiet'], { timeoutMs: 280_000 });
    expect(whole.code).toBe(0);
    expect(rows[0].vehicles).toBe(JSON.parse(whole.stdout).counts.total);
    const truthQueue = scene.truth.queues.find((q) => q.jammed)!.length_m;
    expect(Math.abs(rows[0].queues!.forward!.length_m - truthQueue) / truthQueue).toBeLessThan(0.03);
  });
});
