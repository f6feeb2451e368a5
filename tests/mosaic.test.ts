import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImages } from '../src/raster/mosaic.js';
import { openRaster } from '../src/raster/open.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import { sceneVrt, tileGrid } from '../src/synth/tiles.js';
import { mosaicTimeWarning } from '../src/pipeline/acquisition.js';
import { SatcountError, type GeoTransform } from '../src/types.js';
import { satcount } from './helpers/cli.js';
import { BLOB_MODEL, squaresRgb, UTM33_GT, type Square } from './helpers/scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-mosaic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 1500;
const H = 300;
const squares: Square[] = Array.from({ length: 40 }, (_, i) => [20 + i * 36, i % 2 === 0 ? 150 : 170]);
const rgb = squaresRgb(W, H, squares);

/** Writes the window [x0, x0+w) × [y0, y0+h) of the scene as its own GeoTIFF. */
async function writePart(path: string, x0: number, y0: number, w: number, h: number, opts: { epsg?: number; gt?: GeoTransform } = {}) {
  const gt = opts.gt ?? ([UTM33_GT[0] + x0 * 0.3, 0.3, 0, UTM33_GT[3] - y0 * 0.3, 0, -0.3] as GeoTransform);
  await writeGeoTiff(path, { width: w, height: h, bands: 3, dtype: 'uint8', tileSize: 256, epsg: opts.epsg ?? 32633, geoTransform: gt }, (x, y, ww, hh) => {
    const out = new Uint8Array(ww * hh * 3);
    for (let r = 0; r < hh; r++) out.set(rgb.subarray(((y0 + y + r) * W + x0 + x) * 3, ((y0 + y + r) * W + x0 + x + ww) * 3), r * ww * 3);
    return out;
  });
}

const tiles = tileGrid(join(dir, 'scene'), W, H, 3, 1, 64);

beforeAll(async () => {
  await writePart(join(dir, 'whole.tif'), 0, 0, W, H);
  for (const t of tiles) await writePart(t.file, t.x0, t.y0, t.width, t.height);
  writeFileSync(join(dir, 'scene.vrt'), sceneVrt({ width: W, height: H, bands: 3, dtype: 'uint8', epsg: 32633, geoTransform: UTM33_GT, nodata: 0 }, tiles));
});

const failure = async (inputs: string[]) => {
  try {
    await openImages(inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(SatcountError);
    expect((e as SatcountError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected openImages to refuse');
};

describe('mosaics of tiles', () => {
  it('reads the same pixels across the seams as the whole image, tiles given in any order', async () => {
    const whole = await openRaster(join(dir, 'whole.tif'));
    const mosaic = await openImages([tiles[2].file, tiles[0].file, tiles[1].file]);
    expect(mosaic.info).toMatchObject({ width: W, height: H });
    expect(mosaic.parts!.map((p) => p.x0)).toEqual([tiles[2].x0, 0, tiles[1].x0]);
    for (const win of [{ x: 400, y: 50, width: 300, height: 200 }, { x: 900, y: 0, width: 256, height: 300 }]) {
      const a = await whole.readRgb(win, win.width, win.height);
      const b = await mosaic.readRgb(win, win.width, win.height);
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
      expect(b.valid!.every((v) => v === 1)).toBe(true);
    }
    await whole.close();
    await mosaic.close();
  });

  it('opens a folder and a VRT as the same mosaic', async () => {
    const vrt = await openImages([join(dir, 'scene.vrt')]);
    expect(vrt.parts).toHaveLength(3);
    expect(vrt.info.width).toBe(W);
    await vrt.close();
  });

  it('refuses images in different CRSs, pixel sizes or grids, and a VRT naming a missing file', async () => {
    await writePart(join(dir, 'utm34.tif'), 0, 0, 400, 300, { epsg: 32634 });
    await writePart(join(dir, 'coarse.tif'), 0, 0, 400, 300, { gt: [UTM33_GT[0], 0.5, 0, UTM33_GT[3], 0, -0.5] });
    await writePart(join(dir, 'shifted.tif'), 0, 0, 400, 300, { gt: [UTM33_GT[0] + 0.1, 0.3, 0, UTM33_GT[3], 0, -0.3] });
    expect(await failure([tiles[0].file, join(dir, 'utm34.tif')])).toMatch(/utm34\.tif: CRS EPSG:32634 differs from .*scene_R1C1\.tif's EPSG:32633; a mosaic needs one CRS/);
    expect(await failure([tiles[0].file, join(dir, 'coarse.tif')])).toMatch(/coarse\.tif: pixel size 0\.5 × 0\.5 differs from .*'s 0\.3 × 0\.3/);
    expect(await failure([tiles[0].file, join(dir, 'shifted.tif')])).toMatch(/shifted\.tif: its pixel grid is shifted by a fraction of a pixel/);
    writeFileSync(join(dir, 'broken.vrt'), sceneVrt({ width: W, height: H, bands: 3, dtype: 'uint8', epsg: 32633, geoTransform: UTM33_GT, nodata: 0 }, [...tiles, { ...tiles[0], file: join(dir, 'gone.tif') }]));
    expect(await failure([join(dir, 'broken.vrt')])).toMatch(/broken\.vrt: names .*gone\.tif, which does not exist/);
  });

  it('counts tiles as one image: same total as the whole, nothing counted twice in the overlaps', async () => {
    const one = await satcount(['count', join(dir, 'whole.tif'), '--model', BLOB_MODEL, '--json']);
    const three = await satcount(['count', ...tiles.map((t) => t.file), '--model', BLOB_MODEL, '--json']);
    expect(three.code).toBe(0);
    const a = JSON.parse(one.stdout);
    const b = JSON.parse(three.stdout);
    expect(a.counts.total).toBe(squares.length);
    expect(b.counts.total).toBe(a.counts.total);
    expect(b.image.images).toHaveLength(3);
    const bad = await satcount(['count', tiles[0].file, join(dir, 'utm34.tif'), '--model', BLOB_MODEL, '--out', join(dir, 'never.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

describe('mosaics as batch and check entries', () => {
  it('batch counts a vendor tile group and a VRT as one row each, and recounts a VRT when one of its tiles changes', async () => {
    const inDir = join(dir, 'batch-in');
    mkdirSync(join(inDir, 'delivery'), { recursive: true });
    mkdirSync(join(inDir, 'grouped'), { recursive: true });
    copyFileSync(join(dir, 'whole.tif'), join(inDir, 'whole.tif'));
    for (const t of tiles) copyFileSync(t.file, join(inDir, 'delivery', t.file.slice(dir.length + 1)));
    const parts = tiles.map((t, i) => ({ ...t, file: join(inDir, 'grouped', `part${i}.tif`) }));
    for (let i = 0; i < tiles.length; i++) copyFileSync(tiles[i].file, parts[i].file);
    writeFileSync(join(inDir, 'grouped', 'strip.vrt'), sceneVrt({ width: W, height: H, bands: 3, dtype: 'uint8', epsg: 32633, geoTransform: UTM33_GT, nodata: 0 }, parts));
    const out = join(dir, 'batch-out');
    const run = () => satcount(['batch', inDir, '--out-dir', out, '--model', BLOB_MODEL, '--quiet', '--json']);
    const first = await run();
    expect(first.code).toBe(0);
    const rows = JSON.parse(first.stdout).rows as { image: string; status: string; total: number; result: string }[];
    expect(rows.map((r) => [r.image.slice(inDir.length + 1), r.status, r.total, r.result])).toEqual([
      ['delivery/scene_R*C*.tif', 'ok', squares.length, 'scene.json'],
      ['grouped/strip.vrt', 'ok', squares.length, 'strip.json'],
      ['whole.tif', 'ok', squares.length, 'whole.json'],
    ]);
    expect(JSON.parse(readFileSync(join(out, 'scene.json'), 'utf8')).image.images).toHaveLength(3);
    // A re-delivered tile makes its VRT's result stale; the others are kept.
    utimesSync(parts[1].file, new Date(), new Date(Date.now() + 5000));
    const again = JSON.parse((await run()).stdout).rows as { image: string; status: string }[];
    expect(again.map((r) => r.status)).toEqual(['skipped', 'ok', 'skipped']);
  });

  it('batch fails only the row of a VRT naming a missing file (exit 4, one line naming both)', async () => {
    const inDir = join(dir, 'batch-broken');
    mkdirSync(inDir);
    copyFileSync(join(dir, 'whole.tif'), join(inDir, 'whole.tif'));
    writeFileSync(join(inDir, 'broken.vrt'), sceneVrt({ width: W, height: H, bands: 3, dtype: 'uint8', epsg: 32633, geoTransform: UTM33_GT, nodata: 0 }, [{ ...tiles[0], file: join(inDir, 'gone.tif') }]));
    const r = await satcount(['batch', inDir, '--out-dir', join(dir, 'batch-broken-out'), '--model', BLOB_MODEL, '--quiet', '--json']);
    expect(r.code).toBe(4);
    const rows = JSON.parse(r.stdout).rows as { image: string; status: string; error: string | null }[];
    expect(rows.map((x) => x.status)).toEqual(['failed', 'ok']);
    expect(rows[0].error).toMatch(/broken\.vrt: names .*gone\.tif, which does not exist/);
    expect(r.stderr.trim().split('\n')).toEqual([`satcount: ${rows[0].error}`]);
  });

  it('check counts "images" and a VRT as one mosaic each, and refuses an empty list with exit 2', async () => {
    const spec = join(dir, 'check.json');
    const names = tiles.map((t) => t.file.slice(dir.length + 1));
    writeFileSync(spec, JSON.stringify({ cases: [{ name: 'tiles', images: names, expect: { total: squares.length } }, { name: 'vrt', image: 'scene.vrt', expect: { total: squares.length } }] }));
    const ok = await satcount(['check', spec, '--model', BLOB_MODEL, '--quiet']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/2 passed, 0 failed/);
    writeFileSync(spec, JSON.stringify({ cases: [{ images: [], expect: { total: 1 } }] }));
    const bad = await satcount(['check', spec, '--model', BLOB_MODEL]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^satcount: .*check\.json: bad check spec: cases\[0\]\.images must be a non-empty array of paths$/);
  });
});

describe('mosaic acquisition times', () => {
  it('names the images of each time when they are over a minute apart, not when seconds apart', () => {
    const at = (path: string, acquired: string | null) => ({ path, acquired });
    expect(mosaicTimeWarning('m', [at('/d/a.tif', '2026-03-14T09:30:00Z'), at('/d/b.tif', '2026-03-14T09:30:40Z')])).toBeNull();
    expect(mosaicTimeWarning('m', [at('/d/a.tif', '2026-03-14T09:30:00Z'), at('/d/b.tif', null)])).toBeNull();
    expect(mosaicTimeWarning('m', [at('/d/a.tif', '2026-03-14T09:30:00Z'), at('/d/c.tif', null), at('/d/b.tif', '2026-03-14T11:45:00Z'), at('/d/d.tif', '2026-03-14T09:30:00Z')])).toBe(
      "m: the mosaic's images were taken up to 2 h 15 min apart (a.tif, d.tif at 2026-03-14T09:30:00Z; b.tif at 2026-03-14T11:45:00Z; c.tif at an unknown time); vehicles moved in between, so counts and queues across their seams may be wrong",
    );
  });

  it('warns once on stderr and in warnings[] when synth tiles were written with different --date', async () => {
    const tdir = join(dir, 'dated');
    mkdirSync(tdir);
    for (const [stem, date] of [['a', '2026-03-14T09:30:00Z'], ['b', '2026-03-15T11:00:00Z']]) {
      const r = await satcount(['synth', '--out', join(tdir, `${stem}.tif`), '--seed', '3', '--size', '1600x400', '--queue-length', '300', '--tiles', '2x1', '--date', date, '--quiet']);
      expect(r.code).toBe(0);
    }
    const mixed = await satcount(['count', join(tdir, 'a_R1C1.tif'), join(tdir, 'b_R1C2.tif'), '--road', join(tdir, 'a.road.geojson'), '--json', '--log-format', 'text']);
    expect(mixed.code).toBe(0);
    const warning = /taken up to 1 d 2 h apart \(a_R1C1\.tif at 2026-03-14T09:30:00Z; b_R1C2\.tif at 2026-03-15T11:00:00Z\)/;
    expect(mixed.stderr.split('\n').filter((l) => warning.test(l))).toHaveLength(1);
    const result = JSON.parse(mixed.stdout);
    expect(result.warnings.filter((w: string) => warning.test(w))).toHaveLength(1);
    expect(result.image.acquired).toBe('2026-03-14T09:30:00Z');
    const same = await satcount(['count', join(tdir, 'a.vrt'), '--road', join(tdir, 'a.road.geojson'), '--json', '--quiet']);
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout).warnings.filter((w: string) => /taken up to/.test(w))).toEqual([]);
  }, 60_000);
});
