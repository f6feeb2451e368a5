import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { satcount } from './helpers/cli.js';
import { BLOB_MODEL, writeSquaresPng, writeSquaresTiff, type Square } from './helpers/scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-eis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const W = 600;
const H = 400;
const squares: Square[] = [];
for (let y = 40; y < H - 20; y += 60) for (let x = 40; x < W - 20; x += 70) squares.push([x, y]);

/** YOLO label lines for 14-px squares (normalised centre and size). */
const yolo = (sq: Square[], w: number, h: number, size = 14) => sq.map(([x, y]) => `0 ${x / w} ${y / h} ${size / w} ${size / h}`).join('\n') + '\n';

beforeAll(async () => {
  mkdirSync(join(dir, 'labels'));
  await writeSquaresPng(join(dir, 'scene.png'), W, H, squares);
  writeFileSync(join(dir, 'labels', 'scene.txt'), yolo(squares, W, H));
  writeFileSync(join(dir, 'labels', 'classes.names'), 'car\ntruck\n');
  // The same labels plus two vehicles that are not in the image: recall drops below 1.
  mkdirSync(join(dir, 'more-labels'));
  writeFileSync(join(dir, 'more-labels', 'scene.txt'), yolo([...squares, [590, 390], [10, 390]], W, H));
});

describe('satcount eval', () => {
  it('scores a perfect detector at F1 1 with zero count error', async () => {
    const r = await satcount(['eval', join(dir, 'scene.png'), '--labels', join(dir, 'labels'), '--gsd', '0.3', '--model', BLOB_MODEL, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.totals).toMatchObject({ tp: squares.length, fp: 0, fn: 0, f1: 1, mae: 0, matching: 'greedy-by-score', iou: 0.3 });
    expect(report.images[0]).toMatchObject({ gt: squares.length, detected: squares.length, count_error: 0 });
  });

  it('exits 1 when F1 is below --min-f1, and prints the table', async () => {
    const r = await satcount(['eval', join(dir, 'scene.png'), '--labels', join(dir, 'more-labels'), '--gsd', '0.3', '--model', BLOB_MODEL, '--min-f1', '0.99']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/scene\.png/);
    expect(r.stderr).toMatch(/F1 0\.9\d\d is below --min-f1 0\.99/);
  });

  it('--simulate-gsd degrades a sharper image to the model resolution first', async () => {
    // A 0.15 m image with 28-px squares: at 0.3 m they become the 14-px squares the model knows.
    const big = squares.map(([x, y]) => [x * 2, y * 2] as Square);
    const sharp = (await import('sharp')).default;
    const { squaresRgb } = await import('./helpers/scenes.js');
    await sharp(squaresRgb(W * 2, H * 2, big, 28), { raw: { width: W * 2, height: H * 2, channels: 3 } }).png().toFile(join(dir, 'fine.png'));
    mkdirSync(join(dir, 'fine-labels'));
    writeFileSync(join(dir, 'fine-labels', 'fine.txt'), yolo(big, W * 2, H * 2, 28));
    const r = await satcount(['eval', join(dir, 'fine.png'), '--labels', join(dir, 'fine-labels'), '--gsd', '0.15', '--simulate-gsd', '0.3', '--model', BLOB_MODEL, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.totals.simulate_gsd).toBe(0.3);
    expect(report.totals.f1).toBeGreaterThan(0.95);
  });

  it('--matches writes every detection\'s outcome and every missed vehicle as CSV', async () => {
    const csv = join(dir, 'matches.csv');
    const r = await satcount(['eval', join(dir, 'scene.png'), '--labels', join(dir, 'more-labels'), '--gsd', '0.3', '--model', BLOB_MODEL, '--matches', csv]);
    expect(r.code).toBe(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.filter((c) => c[1] === 'tp')).toHaveLength(squares.length);
    // The two labelled vehicles that are not in the image, where their labels put them (14-px boxes).
    const fn = rows.filter((c) => c[1] === 'fn').map((c) => c.slice(5).map(Number));
    expect(fn).toEqual([[583, 383, 597, 397], [3, 383, 17, 397]]);
  });

  it('--matches into a missing folder fails with exit 2 before any work', async () => {
    const r = await satcount(['eval', join(dir, 'scene.png'), '--labels', join(dir, 'labels'), '--gsd', '0.3', '--model', BLOB_MODEL, '--matches', join(dir, 'no-such-dir', 'm.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no-such-dir/);
  });

  it('refuses a missing label folder with exit 2', async () => {
    const r = await satcount(['eval', join(dir, 'scene.png'), '--labels', join(dir, 'nope'), '--gsd', '0.3', '--model', BLOB_MODEL]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope/);
  });
});

describe('satcount info', () => {
  it('prints what the reader sees, as JSON with the contract fields', async () => {
    await writeSquaresTiff(join(dir, 'geo.tif'), 300, 200, [[50, 50]]);
    const r = await satcount(['info', join(dir, 'geo.tif'), '--json']);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(Object.keys(info).sort()).toEqual(['bands', 'crs', 'dtype', 'footprint_lonlat', 'georeferenced', 'gsd_m', 'height', 'nodata', 'overviews', 'tiled', 'width']);
    expect(info).toMatchObject({ width: 300, height: 200, bands: 3, dtype: 'uint8', crs: 'EPSG:32633', georeferenced: true, tiled: true });
    expect(info.gsd_m).toBeCloseTo(0.3, 2);
  });

  it('describes an image without georeferencing instead of refusing it', async () => {
    const r = await satcount(['info', join(dir, 'scene.png')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/size\s+600 × 400 px/);
    expect(r.stdout).toMatch(/pixel size\s+unknown \(pass --gsd\)/);
  });
});

describe('satcount synth', () => {
  it('writes a georeferenced scene, its road and its truth; the same seed gives the same truth', async () => {
    const args = (out: string) => ['synth', '--out', out, '--seed', '5', '--size', '500x300', '--queue-length', '100', '--quiet'];
    // synth makes no folders (issue 15 item 7): the test does.
    for (const d of ['a', 'b']) mkdirSync(join(dir, d), { recursive: true });
    const a = await satcount(args(join(dir, 'a', 's.tif')), { timeoutMs: 120_000 });
    const b = await satcount(args(join(dir, 'b', 's.tif')), { timeoutMs: 120_000 });
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    for (const f of ['s.tif', 's.road.geojson', 's.truth.json']) expect(existsSync(join(dir, 'a', f))).toBe(true);
    const truth = readFileSync(join(dir, 'a', 's.truth.json'), 'utf8');
    expect(truth).toBe(readFileSync(join(dir, 'b', 's.truth.json'), 'utf8'));
    expect(JSON.parse(truth).vehicles.length).toBeGreaterThan(5);
    const info = JSON.parse((await satcount(['info', join(dir, 'a', 's.tif'), '--json'])).stdout);
    expect(info).toMatchObject({ width: 500, height: 300, georeferenced: true });
    expect(info.crs).toMatch(/^EPSG:326\d\d$/);
  }, 240_000);

  it('refuses a bad size with exit 2', async () => {
    const r = await satcount(['synth', '--out', join(dir, 'c.tif'), '--size', 'big']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/size/);
  });
});
