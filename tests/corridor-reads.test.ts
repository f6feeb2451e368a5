import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeoTIFFImage } from 'geotiff';
import sharp, { type TiffOptions } from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { corridorTiles, prepareRoad, ROAD_DEFAULTS } from '../src/pipeline/road.js';
import { readAhead } from '../src/pipeline/tiles.js';
import { openRaster, type OpenOptions } from '../src/raster/open.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import { planTiles } from '../src/tiling/plan.js';
import type { Tile } from '../src/types.js';
import { UTM33_GT } from './helpers/scenes.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satcount-corridor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const W = 1500;
const H = 700;

/** Texture that differs in every pixel and band, so a misplaced block or row shows. */
function texture(width: number, height: number): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24;
  return px;
}

const pixels = texture(W, H);

async function cog(name: string, block: number): Promise<string> {
  const file = join(dir, name);
  await writeGeoTiff(file, { width: W, height: H, bands: 3, dtype: 'uint8', tileSize: block, epsg: 32633, geoTransform: UTM33_GT, overviews: [2] }, (x0, y0, w, h) => {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) out.set(pixels.subarray(((y0 + y) * W + x0) * 3, ((y0 + y) * W + x0 + w) * 3), y * w * 3);
    return out;
  });
  return file;
}

async function viaSharp(name: string, opts: TiffOptions): Promise<string> {
  const file = join(dir, name);
  await sharp(pixels, { raw: { width: W, height: H, channels: 3 } }).tiff(opts).toFile(file);
  return file;
}

/** A road across the scene, climbing 300 px, in pixel coordinates. */
function roadFile(): string {
  const file = join(dir, 'road.geojson');
  writeFileSync(file, JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [[0, 200], [W, 500]] } }));
  return file;
}

/** The tiles of a road corridor (±15 m at 0.3 m) on 256 px tiles with 32 px overlap: windows straddle blocks. */
async function corridorPlan(file: string): Promise<Tile[]> {
  const source = await openRaster(file, { gsd: 0.3 });
  try {
    const road = await prepareRoad({ ...ROAD_DEFAULTS, path: roadFile(), crs: 'pixel' }, source, 0.3);
    const all = planTiles({ width: W, height: H, imageGsd: 0.3, modelGsd: 0.3, tileWidth: 256, tileHeight: 256, overlap: 32 });
    const tiles = corridorTiles(road, all);
    expect(tiles.length).toBeGreaterThan(4);
    expect(tiles.length).toBeLessThan(all.length);
    return tiles;
  } finally {
    await source.close();
  }
}

async function readAll(file: string, tiles: Tile[], opts: OpenOptions): Promise<Buffer[]> {
  const source = await openRaster(file, { gsd: 0.3, ...opts });
  try {
    const out: Buffer[] = [];
    for await (const { rgb } of readAhead(source, tiles)) out.push(Buffer.from(rgb.data));
    return out;
  } finally {
    await source.close();
  }
}

const layouts: [string, () => Promise<string>][] = [
  ['striped (LZW, 16-row strips)', () => viaSharp('striped.tif', { compression: 'lzw', predictor: 'none' })],
  ['tiled (DEFLATE + predictor, 128 px)', () => viaSharp('tiled.tif', { compression: 'deflate', predictor: 'horizontal', tile: true, tileWidth: 128, tileHeight: 128 })],
  ['COG-like (DEFLATE, 192 px tiles, overview)', () => cog('cog.tif', 192)],
];

describe('corridor reads through the decoded-block cache', () => {
  for (const [label, make] of layouts) {
    it(`${label}: the same pixels with and without the cache, and the image's own`, async () => {
      const file = await make();
      const tiles = await corridorPlan(file);
      const cached = await readAll(file, tiles, {});
      const uncached = await readAll(file, tiles, { blockCacheBytes: 0 });
      expect(cached).toHaveLength(tiles.length);
      tiles.forEach((t, i) => {
        expect(cached[i].equals(uncached[i])).toBe(true);
        // Row by row against the source, clipped to the image (windows reach past its edges).
        const x1 = Math.min(W, t.window.x + t.window.width);
        for (let y = t.window.y; y < Math.min(H, t.window.y + t.window.height); y += 37) {
          const got = cached[i].subarray((y - t.window.y) * t.window.width * 3, ((y - t.window.y) * t.window.width + (x1 - t.window.x)) * 3);
          expect(got.equals(Buffer.from(pixels.subarray((y * W + t.window.x) * 3, (y * W + x1) * 3)))).toBe(true);
        }
      });
    });
  }

  it('decodes each block a corridor touches exactly once, and no other block', async () => {
    const file = await cog('cog-count.tif', 128);
    const tiles = await corridorPlan(file);
    const decodes = new Map<string, number>();
    const original = GeoTIFFImage.prototype.getTileOrStrip;
    vi.spyOn(GeoTIFFImage.prototype, 'getTileOrStrip').mockImplementation(function (this: GeoTIFFImage, x, y, sample, ...rest) {
      const key = `${this.getWidth()}:${x}:${y}:${sample}`;
      decodes.set(key, (decodes.get(key) ?? 0) + 1);
      return original.call(this, x, y, sample, ...rest);
    });
    await readAll(file, tiles, {});
    const touched = new Set<string>();
    for (const t of tiles) {
      const x1 = Math.min(W, t.window.x + t.window.width);
      const y1 = Math.min(H, t.window.y + t.window.height);
      for (let by = Math.floor(t.window.y / 128); by * 128 < y1; by++) for (let bx = Math.floor(t.window.x / 128); bx * 128 < x1; bx++) touched.add(`${W}:${bx}:${by}:0`);
    }
    expect([...decodes.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(decodes.keys())).toEqual(touched);
    // The corridor is a band across the image: blocks away from it stay encoded.
    expect(touched.size).toBeLessThan(Math.ceil(W / 128) * Math.ceil(H / 128));

    decodes.clear();
    await readAll(file, tiles, { blockCacheBytes: 0 });
    // Without the cache, blocks shared by neighbouring windows are decoded again: what the cache saves.
    expect(Math.max(...decodes.values())).toBeGreaterThan(1);
  });
});
