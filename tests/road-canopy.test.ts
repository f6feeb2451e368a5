import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VisibilityGrid } from '../src/pipeline/visibility.js';
import { canopyWarning } from '../src/road/visibility.js';
import type { RgbImage, Tile } from '../src/types.js';
import { satcount } from './helpers/cli.js';

const GSD = 0.3;
const W = 400;
const H = 200;

/** A grey road (rows 80–120, 12 m wide) across grass, with `paint` over it. */
function scene(paint: (x: number, y: number) => [number, number, number] | null): VisibilityGrid {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const road = y >= 80 && y < 120;
      const px = paint(x, y) ?? (road ? [128, 131, 126] : [96, 118, 70]);
      data.set(px, (y * W + x) * 3);
    }
  }
  const rgb: RgbImage = { width: W, height: H, data };
  const grid = VisibilityGrid.forImage(W, H, GSD);
  const whole = { x: 0, y: 0, width: W, height: H };
  grid.markTile({ index: 0, col: 0, row: 0, window: whole, core: whole, modelWidth: W, modelHeight: H, scale: 1 } as Tile, rgb);
  return grid;
}

/** Leaves: dark green with light and shade every few pixels, as crowns are. */
const leaves = (x: number, y: number): [number, number, number] => ((x >> 2) + (y >> 2)) % 3 === 0 ? [30, 52, 24] : [52, 84, 40];

describe('canopy over the road', () => {
  it('hides road under closed crowns 30 m long, not the open road, grass beside it, or one overhanging crown', () => {
    // Crowns over x 150–250 (30 m) across the whole road and its verges.
    const closed = scene((x, y) => (x >= 150 && x < 250 && y >= 40 && y < 160 ? leaves(x, y) : null));
    expect(closed.visibility([200, 100])).toBe('canopy');
    expect(closed.visibility([50, 100])).toBe(true);
    expect(closed.visibility([350, 95])).toBe(true);
    // A crown 7 m across hanging over the road edge leaves the lanes seen.
    const overhang = scene((x, y) => (Math.hypot(x - 200, y - 75) < 12 ? leaves(x, y) : null));
    expect(overhang.visibility([200, 90])).toBe(true);
    expect(overhang.visibility([200, 100])).toBe(true);
  });

  it('does not take asphalt with a green cast, or dark shadow on it, for leaves', () => {
    const cast = scene((_x, y) => (y >= 60 && y < 140 ? [128, 140, 126] : null));
    expect(cast.visibility([200, 100])).toBe(true);
    const shadow = scene((_x, y) => (y >= 60 && y < 140 ? [22, 29, 25] : null));
    expect(shadow.visibility([200, 100])).toBe(true);
  });

  it('warns with the canopy chainages, joining both carriageways and small holes', () => {
    const hidden = {
      forward: [{ start_m: 100, end_m: 140, reason: 'canopy' as const }, { start_m: 146, end_m: 160, reason: 'canopy' as const }, { start_m: 500, end_m: 520, reason: 'nodata' as const }],
      backward: [{ start_m: 95, end_m: 150, reason: 'canopy' as const }],
    };
    expect(canopyWarning('r.geojson', hidden)).toMatch(/^road r\.geojson: tree canopy seems to close over 65 m of road \(chainage 95–160 m\); queues are bridged/);
    expect(canopyWarning('r.geojson', { forward: [hidden.forward[2]], backward: [] })).toBeNull();
  });
});

describe('canopy on a synthetic mountain road', () => {
  const dir = mkdtempSync(join(tmpdir(), 'satcount-canopy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bridges and fills the queue under canopy (reason canopy, one warning), and finds none on the clear road beside it', async () => {
    const synth = (name: string, canopy: number) =>
      satcount(['synth', '--out', join(dir, `${name}.tif`), '--seed', '11', '--size', '4000x900', '--road', 'mountain', '--queue-length', '1000', '--canopy', String(canopy), '--quiet'], { timeoutMs: 120_000 });
    expect((await synth('canopy', 2)).code).toBe(0);
    const truth = JSON.parse(readFileSync(join(dir, 'canopy.truth.json'), 'utf8'));
    expect(truth.canopy).toHaveLength(2);
    const count = (name: string) => satcount(['count', join(dir, `${name}.tif`), '--road', join(dir, `${name}.road.geojson`), '--json', '--log-format', 'text'], { timeoutMs: 120_000 });
    const r = await count('canopy');
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => /tree canopy seems to close over/.test(l))).toHaveLength(1);
    const result = JSON.parse(r.stdout);
    const jam = truth.queues.find((q: { jammed: boolean }) => q.jammed);
    const queue = result.queues.find((q: { direction: string }) => q.direction === jam.direction);
    // One queue over the whole jam, not broken where the canopy hides it.
    expect(Math.abs(queue.length_m - jam.length_m) / jam.length_m).toBeLessThan(0.03);
    const filled = queue.filled.filter((f: { reason: string }) => f.reason === 'canopy');
    expect(filled.length).toBeGreaterThan(0);
    // Every canopy stretch found, either way, lies in a canopy of the truth (crowns reach ~6 m past
    // its ends): none on the mountain road's clear stretches, with their valley shadows and tree rows.
    const found = [...result.road.hidden.forward, ...result.road.hidden.backward].filter((h: { reason: string }) => h.reason === 'canopy');
    expect(found.length).toBeGreaterThanOrEqual(filled.length);
    for (const f of found) expect(truth.canopy.some((c: { start_m: number; end_m: number }) => f.start_m >= c.start_m - 6 && f.end_m <= c.end_m + 6)).toBe(true);
  }, 300_000);
});
