import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGeoTiff, type GeoTiffSpec, type SampleArray } from '../src/raster/tiff/write-geotiff.js';
import { removePendingTempFiles } from '../src/io/atomic.js';
import { hasGdal } from './helpers/gdal.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-wgt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A deterministic pattern so any misplaced tile or sample shows up. */
function pattern(x: number, y: number, b: number): number {
  return (x * 7 + y * 13 + b * 61) % 251;
}

function source(spec: GeoTiffSpec, make: (n: number) => SampleArray, value = pattern) {
  return (x0: number, y0: number, w: number, h: number): SampleArray => {
    const out = make(w * h * spec.bands);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let b = 0; b < spec.bands; b++) out[(y * w + x) * spec.bands + b] = value(x0 + x, y0 + y, b);
    return out;
  };
}

const utm: GeoTiffSpec = {
  width: 600,
  height: 520,
  bands: 3,
  dtype: 'uint8',
  epsg: 32634,
  geoTransform: [412345.5, 0.3, 0, 5517890.25, 0, -0.3],
  nodata: 0,
  overviews: [2, 4],
};

describe('writeGeoTiff', () => {
  const path = join(dir, 'utm.tif');

  it('writes pixels that read back exactly, across tile seams and edge tiles', async () => {
    await writeGeoTiff(path, utm, source(utm, (n) => new Uint8Array(n)));
    const image = await (await fromFile(path)).getImage();
    expect([image.getWidth(), image.getHeight(), image.getSamplesPerPixel()]).toEqual([600, 520, 3]);
    expect(image.isTiled).toBe(true);
    expect(image.getTileWidth()).toBe(256);
    const win = [250, 500, 600, 520] as const;
    const data = (await image.readRasters({ window: [...win], interleave: true })) as unknown as Uint8Array;
    let wrong = 0;
    for (let y = win[1]; y < win[3]; y++) {
      for (let x = win[0]; x < win[2]; x++) {
        for (let b = 0; b < 3; b++) if (data[((y - win[1]) * (win[2] - win[0]) + x - win[0]) * 3 + b] !== pattern(x, y, b)) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('writes GeoKeys, origin, pixel size and nodata that geotiff.js reads back', async () => {
    const image = await (await fromFile(path)).getImage();
    expect(image.getOrigin().slice(0, 2)).toEqual([412345.5, 5517890.25]);
    expect(image.getResolution().slice(0, 2)).toEqual([0.3, -0.3]);
    expect(image.getGeoKeys()).toMatchObject({ GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32634 });
    expect(image.getGDALNoData()).toBe(0);
  });

  it('adds box-averaged internal overviews', async () => {
    const tiff = await fromFile(path);
    expect(await tiff.getImageCount()).toBe(3);
    const half = await tiff.getImage(1);
    const quarter = await tiff.getImage(2);
    expect([half.getWidth(), half.getHeight(), quarter.getWidth(), quarter.getHeight()]).toEqual([300, 260, 150, 130]);
    const px = (await half.readRasters({ window: [140, 140, 141, 141], interleave: true })) as unknown as Uint8Array;
    const mean = (b: number) => Math.round((pattern(280, 280, b) + pattern(281, 280, b) + pattern(280, 281, b) + pattern(281, 281, b)) / 4);
    expect([...px]).toEqual([mean(0), mean(1), mean(2)]);
  });

  it('writes uint16 with an alpha band, int16 and float32 with geographic CRS, and BigTIFF', async () => {
    const cases: Array<[GeoTiffSpec, (n: number) => SampleArray, (x: number, y: number, b: number) => number]> = [
      [{ width: 300, height: 200, bands: 4, dtype: 'uint16', alpha: true, epsg: 32633, geoTransform: [500000, 0.5, 0, 4600000, 0, -0.5] }, (n) => new Uint16Array(n), (x, y, b) => pattern(x, y, b) * 200],
      [{ width: 300, height: 200, bands: 1, dtype: 'int16', nodata: -9999, bigTiff: true, overviews: [2] }, (n) => new Int16Array(n), (x, y) => pattern(x, y, 0) - 120],
      [{ width: 300, height: 200, bands: 2, dtype: 'float32', epsg: 4326, geoTransform: [22.9, 1e-5, 0, 49.8, 0, -1e-5], tileSize: 128 }, (n) => new Float32Array(n), (x, y, b) => pattern(x, y, b) / 7],
    ];
    for (const [i, [spec, make, value]] of cases.entries()) {
      const p = join(dir, `case${i}.tif`);
      await writeGeoTiff(p, spec, source(spec, make, value));
      const image = await (await fromFile(p)).getImage();
      const data = (await image.readRasters({ window: [290, 190, 300, 200], interleave: true })) as unknown as SampleArray;
      const expected: number[] = [];
      for (let y = 190; y < 200; y++) for (let x = 290; x < 300; x++) for (let b = 0; b < spec.bands; b++) expected.push(Math.fround(value(x, y, b)));
      expect([...data]).toEqual(expected);
      if (spec.alpha) expect([...image.fileDirectory.getValue('ExtraSamples')]).toEqual([2]);
      if (spec.epsg === 4326) expect(image.getGeoKeys()).toMatchObject({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4326 });
      if (spec.nodata !== undefined) expect(image.getGDALNoData()).toBe(spec.nodata);
      // BigTIFF announces itself with version 43 in the header.
      expect(readFileSync(p).readUInt16LE(2)).toBe(spec.bigTiff ? 43 : 42);
    }
  });

  it('leaves neither the file nor a temp file behind when a tile fails', async () => {
    const p = join(dir, 'broken.tif');
    const failing = () => {
      throw new Error('source went away');
    };
    await expect(writeGeoTiff(p, { ...utm, overviews: [] }, failing)).rejects.toThrow('source went away');
    expect(existsSync(p)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('broken'))).toEqual([]);
  });

  it('writes through a temp file the signal handler removes, so an interrupted synth leaves nothing', async () => {
    const p = join(dir, 'interrupted.tif');
    const seen: string[][] = [];
    const interruptedMidWrite = () => {
      seen.push(readdirSync(dir).filter((f) => f.includes('interrupted')));
      removePendingTempFiles(); // what SIGINT/SIGTERM run before exiting
      seen.push(readdirSync(dir).filter((f) => f.includes('interrupted')));
      throw new Error('interrupted');
    };
    await expect(writeGeoTiff(p, { ...utm, overviews: [] }, interruptedMidWrite)).rejects.toThrow('interrupted');
    expect(seen[0]).toHaveLength(1);
    expect(seen[0][0]).toMatch(/\.tmp$/);
    expect(seen[1]).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual([]);
  });

  it.skipIf(!hasGdal)('is read by gdalinfo: size, CRS, tiling, compression, overviews, nodata; BigTIFF too', async () => {
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' }));
    expect(info.size).toEqual([600, 520]);
    expect(info.coordinateSystem.wkt).toContain('"EPSG",32634');
    expect(info.geoTransform).toEqual([412345.5, 0.3, 0, 5517890.25, 0, -0.3]);
    expect(info.metadata.IMAGE_STRUCTURE.COMPRESSION).toBe('DEFLATE');
    expect(info.bands).toHaveLength(3);
    expect(info.bands[0].block).toEqual([256, 256]);
    expect(info.bands[0].noDataValue).toBe(0);
    expect(info.bands[0].overviews.map((o: { size: number[] }) => o.size)).toEqual([[300, 260], [150, 130]]);
    const bigPath = join(dir, 'big.tif');
    const spec: GeoTiffSpec = { ...utm, width: 300, height: 200, bigTiff: true };
    await writeGeoTiff(bigPath, spec, source(spec, (n) => new Uint8Array(n)));
    const big = JSON.parse(execFileSync('gdalinfo', ['-json', '-checksum', bigPath], { encoding: 'utf8' }));
    expect(big.size).toEqual([300, 200]);
    expect(big.bands[0].overviews).toHaveLength(2);
    expect(big.bands[0].checksum).toBeGreaterThan(0);
  });
});
