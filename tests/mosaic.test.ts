import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImages } from '../src/raster/mosaic.js';
import { openRaster } from '../src/raster/open.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import { sceneVrt, tileGrid } from '../src/synth/tiles.js';
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
