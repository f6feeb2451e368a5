import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gdalMetadataItem, imdTime, parseDateFlag, parseIsoTime, parseTiffDateTime, readAcquisition, timeFromName, vendorXmlTime,
} from '../src/raster/acquired.js';
import { openRaster } from '../src/raster/open.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import { SatcountError } from '../src/types.js';
import { hasGdal } from './helpers/gdal.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-acquired-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tinyTiff(path: string, dateTime?: string): Promise<void> {
  await writeGeoTiff(
    path,
    { width: 32, height: 32, bands: 3, dtype: 'uint8', epsg: 32634, geoTransform: [500000, 0.3, 0, 5500000, 0, -0.3], dateTime },
    (_x, _y, w, h) => new Uint8Array(w * h * 3).fill(90),
  );
}

describe('acquisition time text', () => {
  it('reads ISO 8601 dates and times as UTC, with zones converted', () => {
    expect(parseIsoTime('2026-03-14')).toBe('2026-03-14T00:00:00Z');
    expect(parseIsoTime('2026-03-14T09:30')).toBe('2026-03-14T09:30:00Z');
    expect(parseIsoTime('2026-03-14T09:30:05.123456Z')).toBe('2026-03-14T09:30:05.123Z');
    expect(parseIsoTime('2026-03-14T11:30:00+02:00')).toBe('2026-03-14T09:30:00Z');
    expect(parseIsoTime('2026-03-14 09:30:00-0100')).toBe('2026-03-14T10:30:00Z');
    expect(parseIsoTime('2026-02-30')).toBeNull();
    expect(parseIsoTime('14/03/2026')).toBeNull();
  });

  it('reads the TIFF DateTime form', () => {
    expect(parseTiffDateTime('2026:03:14 09:30:00')).toBe('2026-03-14T09:30:00Z');
    expect(parseTiffDateTime('    :  :     :  :  ')).toBeNull();
  });

  it('refuses a --date that is no date, in one line', () => {
    expect(() => parseDateFlag('yesterday')).toThrow(SatcountError);
    expect(() => parseDateFlag('yesterday')).toThrow(/--date: expected an ISO 8601 date.*got 'yesterday'/);
  });

  it('finds a date in a file name by pattern', () => {
    expect(timeFromName('border_20260314_0930.tif', '%Y%m%d_%H%M')).toBe('2026-03-14T09:30:00Z');
    expect(timeFromName('19JUN10081523-P2AS_R1C1-058.TIF', '%y%b%d%H%M%S')).toBe('2019-06-10T08:15:23Z');
    expect(timeFromName('S2_2026-073.tif', '%Y-%j')).toBe('2026-03-14T00:00:00Z');
    expect(timeFromName('scene.tif', '%Y%m%d')).toBeNull();
    expect(timeFromName('x_20261399.tif', '%Y%m%d')).toBeNull();
    expect(() => timeFromName('a', '%m%d')).toThrow(/has no year/);
    expect(() => timeFromName('a', '%Y%q')).toThrow(/unknown field '%q'/);
  });

  it('reads vendor metadata: GDAL items, .IMD and .XML', () => {
    const gdal = '<GDALMetadata><Item name="ACQUISITIONDATETIME">2026-03-14T09:30:00Z</Item><Item name="X" sample="0">1</Item></GDALMetadata>';
    expect(gdalMetadataItem(gdal, 'ACQUISITIONDATETIME')).toBe('2026-03-14T09:30:00Z');
    expect(gdalMetadataItem(gdal, 'X')).toBeNull();
    const imd = 'BEGIN_GROUP = IMAGE_1\n\tsatId = "WV03";\n\tfirstLineTime = 2019-06-10T08:15:23.123456Z;\nEND_GROUP = IMAGE_1\n';
    expect(imdTime(imd)).toBe('2019-06-10T08:15:23.123Z');
    expect(vendorXmlTime('<isd><IMD><IMAGE><FIRSTLINETIME>2019-06-10T08:15:23.000000Z</FIRSTLINETIME></IMAGE></IMD></isd>')).toBe('2019-06-10T08:15:23Z');
  });
});

describe('acquisition time of an image file', () => {
  const tagged = join(dir, 'tagged.tif');
  const plain = join(dir, 'plain.tif');
  beforeAll(async () => {
    await tinyTiff(tagged, '2026:03:14 09:30:00');
    await tinyTiff(plain);
  });

  it('comes from the TIFF DateTime tag', async () => {
    expect(await readAcquisition(tagged)).toEqual({ acquired: '2026-03-14T09:30:00Z', acquired_from: 'tiff-datetime' });
  });

  it('is read from the reader\'s open file as from the path', async () => {
    const source = await openRaster(tagged);
    try {
      expect(await readAcquisition(tagged, {}, () => source.readTimeTags!())).toEqual({ acquired: '2026-03-14T09:30:00Z', acquired_from: 'tiff-datetime' });
    } finally {
      await source.close();
    }
  });

  it('is null when nothing says', async () => {
    expect(await readAcquisition(plain)).toEqual({ acquired: null, acquired_from: null });
  });

  it('prefers a Maxar .IMD sidecar (also for a tile of the strip) over the TIFF tag, and the flags over both', async () => {
    const sub = mkdtempSync(join(dir, 'maxar-'));
    const tile = join(sub, '19JUN10081523-P2AS_R1C2-058.TIF');
    copyFileSync(tagged, tile);
    writeFileSync(join(sub, '19JUN10081523-P2AS-058.IMD'), 'BEGIN_GROUP = IMAGE_1\n  firstLineTime = 2019-06-10T08:15:23.5Z;\nEND_GROUP = IMAGE_1\n');
    expect(await readAcquisition(tile)).toEqual({ acquired: '2019-06-10T08:15:23.500Z', acquired_from: 'imd' });
    expect(await readAcquisition(tile, { dateFromName: '%y%b%d%H%M' })).toEqual({ acquired: '2019-06-10T08:15:00Z', acquired_from: 'file-name' });
    expect(await readAcquisition(tile, { date: '2026-01-02' })).toEqual({ acquired: '2026-01-02T00:00:00Z', acquired_from: 'flag' });
  });

  it('reads a .XML sidecar when there is no .IMD', async () => {
    const sub = mkdtempSync(join(dir, 'xml-'));
    copyFileSync(plain, join(sub, 'scene.tif'));
    writeFileSync(join(sub, 'scene.XML'), '<isd><IMD><IMAGE><FIRSTLINETIME>2020-01-02T03:04:05Z</FIRSTLINETIME></IMAGE></IMD></isd>');
    expect(await readAcquisition(join(sub, 'scene.tif'))).toEqual({ acquired: '2020-01-02T03:04:05Z', acquired_from: 'xml' });
  });

  it.skipIf(!hasGdal)('is the time GDAL reads from the tag satcount writes', () => {
    expect(execFileSync('gdalinfo', [tagged], { encoding: 'utf8' })).toContain('TIFFTAG_DATETIME=2026:03:14 09:30:00');
  });

  it.skipIf(!hasGdal)('comes from GDAL ACQUISITIONDATETIME metadata before the DateTime tag', () => {
    const out = join(dir, 'gdal-acq.tif');
    execFileSync('gdal_translate', ['-q', '-mo', 'ACQUISITIONDATETIME=2025-12-24T10:11:12Z', tagged, out]);
    return expect(readAcquisition(out)).resolves.toEqual({ acquired: '2025-12-24T10:11:12Z', acquired_from: 'gdal-metadata' });
  });
});
