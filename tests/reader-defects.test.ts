import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRaster } from '../src/raster/open.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import type { TypedArray } from 'geotiff';
import { satcount } from './helpers/cli.js';
import { hasGdal } from './helpers/gdal.js';

/** Issue 15, items 5, 11, 12 and 13: files GDAL reads that satcount misread or refused. */

const FIXTURE = new URL('../fixtures/left-hand.tif', import.meta.url).pathname;
/** A 400×300 crop of fixtures/left-hand.tif (x 300, y 200) written by `gdal_translate -of COG -co COMPRESS=WEBP -co QUALITY=100` (lossless WebP). */
const WEBP_COG = new URL('./data/left-hand-webp.tif', import.meta.url).pathname;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satcount-reader-defects-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function samples(path: string, win: { x: number; y: number; width: number; height: number }): Promise<TypedArray[]> {
  const src = await openRaster(path, { allowNoGsd: true });
  try {
    return (await src.readSamples!(win)).arrays;
  } finally {
    await src.close();
  }
}

function gdal(args: string[]): void {
  execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
}

describe('WebP-compressed GeoTIFFs (item 11)', () => {
  it('reads a lossless WebP COG pixel for pixel as the image it was made from', async () => {
    const webp = await samples(WEBP_COG, { x: 0, y: 0, width: 400, height: 300 });
    const original = await samples(FIXTURE, { x: 300, y: 200, width: 400, height: 300 });
    expect(webp.length).toBe(3);
    for (let b = 0; b < 3; b++) expect(Buffer.from(webp[b].buffer).equals(Buffer.from(original[b].buffer))).toBe(true);
  });

  it('counts the same vehicles in the WebP COG as in the original crop', async () => {
    const crop = join(dir, 'crop.tif');
    await writeCrop(crop);
    const a = await satcount(['count', WEBP_COG, '--json']);
    const b = await satcount(['count', crop, '--json']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).counts).toEqual(JSON.parse(b.stdout).counts);
  });

  it.skipIf(!hasGdal)('decodes lossy WebP tiles to the pixels GDAL decodes', async () => {
    const lossy = join(dir, 'lossy-webp.tif');
    const plain = join(dir, 'lossy-decoded-by-gdal.tif');
    gdal(['gdal_translate', '-q', '-of', 'COG', '-co', 'COMPRESS=WEBP', '-co', 'QUALITY=60', FIXTURE, lossy]);
    gdal(['gdal_translate', '-q', '-co', 'COMPRESS=NONE', lossy, plain]);
    const win = { x: 0, y: 0, width: 1400, height: 700 };
    const ours = await samples(lossy, win);
    const theirs = await samples(plain, win);
    for (let b = 0; b < 3; b++) expect(Buffer.from(ours[b].buffer).equals(Buffer.from(theirs[b].buffer))).toBe(true);
  });
});

/** Copies the WebP COG's source window into a plain GeoTIFF, for counting side by side. */
async function writeCrop(path: string): Promise<void> {
  const src = await openRaster(FIXTURE);
  const [r, g, b] = (await src.readSamples!({ x: 300, y: 200, width: 400, height: 300 })).arrays;
  const gt = src.info.geoTransform!;
  await src.close();
  await writeGeoTiff(path, { width: 400, height: 300, bands: 3, dtype: 'uint8', epsg: 32631, geoTransform: [gt[0] + 300 * gt[1], gt[1], 0, gt[3] + 200 * gt[5], 0, gt[5]] }, (x0, y0, w, h) => {
    const out = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (y0 + y) * 400 + x0 + x;
        out.set([r[i], g[i], b[i]], (y * w + x) * 3);
      }
    }
    return out;
  });
}

/**
 * A big-endian, single-band 8-bit TIFF with one row per strip and SHORT StripOffsets and
 * StripByteCounts. With more than two strips the arrays lie before the pixel data, far from the
 * directory (geotiff defers them); with one or two they sit in the entry's 4-byte field.
 */
function bigEndianShortStrips(width: number, height: number, pixel: (x: number, y: number) => number): Buffer {
  const strips = height;
  const inline = strips <= 2;
  const arrays = inline ? 0 : strips * 2 * 2;
  const dataAt = 8 + arrays;
  const ifdAt = dataAt + width * height;
  const buf = Buffer.alloc(ifdAt + 2 + 9 * 12 + 4);
  buf.write('MM', 0, 'latin1');
  buf.writeUInt16BE(42, 2);
  buf.writeUInt32BE(ifdAt, 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) buf[dataAt + y * width + x] = pixel(x, y);
  const offsets = Array.from({ length: strips }, (_, i) => dataAt + i * width);
  const counts = Array.from({ length: strips }, () => width);
  if (!inline) {
    offsets.forEach((v, i) => buf.writeUInt16BE(v, 8 + i * 2));
    counts.forEach((v, i) => buf.writeUInt16BE(v, 8 + strips * 2 + i * 2));
  }
  const SHORT = 3;
  const entries: [number, number[] | number][] = [
    [256, width],
    [257, height],
    [258, 8],
    [259, 1],
    [262, 1],
    [273, inline ? offsets : 8],
    [277, 1],
    [278, 1],
    [279, inline ? counts : 8 + strips * 2],
  ];
  buf.writeUInt16BE(entries.length, ifdAt);
  entries.forEach(([tag, value], k) => {
    const at = ifdAt + 2 + k * 12;
    const count = tag === 273 || tag === 279 ? strips : 1;
    buf.writeUInt16BE(tag, at);
    if (typeof value === 'number' && count > 2) {
      buf.writeUInt16BE(SHORT, at + 2);
      buf.writeUInt32BE(count, at + 4);
      buf.writeUInt32BE(value, at + 8); // offset of the out-of-line array
    } else {
      const values = typeof value === 'number' ? [value] : value;
      buf.writeUInt16BE(SHORT, at + 2);
      buf.writeUInt32BE(count, at + 4);
      values.forEach((v, i) => buf.writeUInt16BE(v, at + 8 + i * 2));
    }
  });
  return buf;
}

describe('big-endian TIFFs with SHORT strip tags (item 12)', () => {
  const pattern = (x: number, y: number) => (x * 7 + y * 13) % 251;

  for (const height of [1, 2, 40]) {
    it(`reads a hand-made one with ${height} strip${height > 1 ? 's' : ''}`, async () => {
      const file = join(dir, `be-${height}.tif`);
      writeFileSync(file, bigEndianShortStrips(24, height, pattern));
      const [band] = await samples(file, { x: 0, y: 0, width: 24, height });
      expect(Array.from(band)).toEqual(Array.from({ length: 24 * height }, (_, i) => pattern(i % 24, Math.floor(i / 24))));
    });
  }

  it.skipIf(!hasGdal)('reads one written by GDAL with ENDIANNESS=BIG as GDAL wrote it', async () => {
    const file = join(dir, 'gdal-big-endian.tif');
    gdal(['gdal_translate', '-q', '-co', 'ENDIANNESS=BIG', FIXTURE, file]);
    expect(readFileSync(file).subarray(0, 2).toString('latin1')).toBe('MM');
    const r = await satcount(['info', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const win = { x: 0, y: 0, width: 1400, height: 700 };
    const ours = await samples(file, win);
    const original = await samples(FIXTURE, win);
    for (let b = 0; b < 3; b++) expect(Buffer.from(ours[b].buffer).equals(Buffer.from(original[b].buffer))).toBe(true);
  });
});

describe('CRSs whose proj4 definition names a datum grid (item 13)', () => {
  it('keeps stdout for the JSON and still knows the pixel size (NAD27 / UTM 11N, EPSG:26711)', async () => {
    const file = join(dir, 'nad27.tif');
    await writeGeoTiff(file, { width: 64, height: 64, bands: 3, dtype: 'uint8', tileSize: 64, epsg: 26711, geoTransform: [500000, 0.3, 0, 3800000, 0, -0.3] }, (_x, _y, w, h) =>
      new Uint8Array(w * h * 3).fill(90),
    );
    const r = await satcount(['info', file, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.crs).toBe('EPSG:26711');
    expect(info.gsd_m).toBeCloseTo(0.3, 2);
    expect(r.stderr).toMatch(/NTv2_0\.gsb.*WGS84 positions may be off/);
    expect(r.stderr.match(/NTv2_0/g)).toHaveLength(1);
  });
});

describe('a TIFF cut short (item 5)', () => {
  it('refuses a file whose last bytes (overview data) are missing: exit 2, one line, no result', async () => {
    const whole = readFileSync(FIXTURE);
    const cut = join(dir, 'cut.tif');
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    for (const args of [['info', cut], ['count', cut, '--json']]) {
      const r = await satcount(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`satcount: ${cut}: truncated TIFF (overview or mask data (image 2) ends at byte ${whole.length}, the file has ${statSync(cut).size})\n`);
    }
  });
});
