import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import sharp, { type TiffOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crsFromGeoKeys } from '../src/raster/geo/crs.js';
import { groundGsd, metresPerDegree } from '../src/raster/geo/gsd.js';
import { createGeoref } from '../src/raster/geo/georef.js';
import { publicInfo } from '../src/raster/info.js';
import { lzwDecode } from '../src/raster/tiff/lzw.js';
import { openRaster, type OpenOptions, type RasterSource } from '../src/raster/open.js';
import { percentileStretch } from '../src/raster/stretch.js';
import { fitAffine, geoTransformFromTags } from '../src/raster/geo/transform.js';
import { SatcountError, SettingsError, type RasterInfo } from '../src/types.js';
import { greyBar, writeGreyUint16 } from './helpers/scenes.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'satcount-raster-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A UTM 33N GeoTIFF (one strip, pixel-interleaved) written by geotiff itself. */
function writeUtm(name: string, values: ArrayLike<number> & { length: number }, width: number, height: number, extra: Record<string, unknown> = {}): string {
  const file = join(dir, name);
  const meta = {
    width,
    height,
    ModelPixelScale: [0.5, 0.5, 0],
    ModelTiepoint: [0, 0, 0, 500000, 1000, 0],
    ProjectedCSTypeGeoKey: 32633,
    GTModelTypeGeoKey: 1,
    GTRasterTypeGeoKey: 1,
    ...extra,
  };
  writeFileSync(file, Buffer.from(writeArrayBuffer(values as unknown as number[], meta)));
  return file;
}

async function withSource<T>(file: string, opts: OpenOptions, fn: (s: RasterSource) => Promise<T>): Promise<T> {
  const s = await openRaster(file, opts);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function refusal(file: string, opts: OpenOptions = {}): Promise<SatcountError> {
  try {
    const s = await openRaster(file, opts);
    await s.readRgb({ x: 0, y: 0, width: s.info.width, height: s.info.height }, 16, 16);
    await s.close();
  } catch (err) {
    expect(err).toBeInstanceOf(SatcountError);
    const e = err as SatcountError;
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(file);
    return e;
  }
  throw new Error(`${file} was not refused`);
}

/** A deterministic RGB test pattern with edges (so resampling and tiling mistakes show). */
function pattern(width: number, height: number, channels = 3): Uint8Array {
  const px = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      px[o] = (x * 7 + y * 3) & 255;
      px[o + 1] = (x * y) & 255;
      if (channels > 2) px[o + 2] = ((x >> 4) + (y >> 4)) % 2 ? 200 : 30;
      if (channels > 3) px[o + 3] = x < 5 ? 0 : 255;
    }
  }
  return px;
}

describe('GeoTIFF basics (uint8 RGB, strips)', () => {
  it('reports what the reader sees and passes 8-bit pixels through unchanged', async () => {
    const px = pattern(40, 30);
    const file = writeUtm('rgb.tif', px, 40, 30);
    await withSource(file, {}, async (s) => {
      expect(publicInfo(s.info, s.georef)).toEqual({
        width: 40,
        height: 30,
        bands: 3,
        dtype: 'uint8',
        crs: 'EPSG:32633',
        gsd_m: expect.closeTo(0.5, 3),
        georeferenced: true,
        nodata: null,
        tiled: false,
        overviews: 0,
        footprint_lonlat: expect.any(Array),
      });
      // The footprint runs counter-clockwise from the upper left: west edge first, then the south.
      const [ul, ll, lr, ur] = publicInfo(s.info, s.georef).footprint_lonlat!;
      expect(ll[1]).toBeLessThan(ul[1]);
      expect(lr[0]).toBeGreaterThan(ll[0]);
      expect(ur[1]).toBeCloseTo(ul[1], 4);
      const img = await s.readRgb({ x: 0, y: 0, width: 40, height: 30 }, 40, 30);
      expect(img.valid).toBeNull();
      expect(Buffer.from(img.data).equals(Buffer.from(px))).toBe(true);
    });
  });

  it('pads windows that extend past the image with invalid pixels', async () => {
    const px = pattern(40, 30);
    const file = writeUtm('pad.tif', px, 40, 30);
    await withSource(file, {}, async (s) => {
      const img = await s.readRgb({ x: 30, y: 20, width: 20, height: 20 }, 20, 20);
      expect(img.valid).not.toBeNull();
      const valid = img.valid as Uint8Array;
      // Inside: columns 30..39, rows 20..29 of the image.
      expect(valid[0]).toBe(1);
      expect(valid[9 * 20 + 9]).toBe(1);
      expect(valid[10]).toBe(0);
      expect(valid[10 * 20]).toBe(0);
      expect(Array.from(img.data.subarray(0, 3))).toEqual(Array.from(px.subarray((20 * 40 + 30) * 3, (20 * 40 + 30) * 3 + 3)));
      expect(Array.from(img.data.subarray(10 * 3, 10 * 3 + 3))).toEqual([0, 0, 0]);
      // Entirely outside: all invalid, no error.
      const out = await s.readRgb({ x: -100, y: -100, width: 50, height: 50 }, 10, 10);
      expect(out.valid && Array.from(out.valid).every((v) => v === 0)).toBe(true);
    });
  });

  it('resamples a window to the requested size with the mask kept binary', async () => {
    const px = pattern(64, 64);
    const file = writeUtm('resample.tif', px, 64, 64);
    await withSource(file, {}, async (s) => {
      const half = await s.readRgb({ x: 0, y: 0, width: 64, height: 64 }, 32, 32);
      expect(half.width).toBe(32);
      expect(half.data.length).toBe(32 * 32 * 3);
      // Blue is a 16-px checkerboard of 30/200: a 2× reduction keeps the squares.
      expect(half.data[(2 * 32 + 2) * 3 + 2]).toBeLessThan(80);
      expect(half.data[(2 * 32 + 10) * 3 + 2]).toBeGreaterThan(150);
      const up = await s.readRgb({ x: 60, y: 0, width: 8, height: 8 }, 16, 16);
      expect(up.valid).not.toBeNull();
      expect(new Set(up.valid)).toEqual(new Set([0, 1]));
      expect((up.valid as Uint8Array)[0]).toBe(1);
      expect((up.valid as Uint8Array)[15]).toBe(0);
    });
  });

  it('selects bands with --bands (1-based) and shows one band as grey', async () => {
    const px = pattern(20, 10, 4).map((v, i) => (i % 4 === 3 ? 77 : v));
    const file = writeUtm('four.tif', px, 20, 10, { ExtraSamples: [0] });
    await withSource(file, { bands: [3, 2, 1] }, async (s) => {
      const img = await s.readRgb({ x: 0, y: 0, width: 20, height: 10 }, 20, 10);
      const p = 5 * 20 + 7;
      expect([img.data[p * 3], img.data[p * 3 + 1], img.data[p * 3 + 2]]).toEqual([px[p * 4 + 2], px[p * 4 + 1], px[p * 4]]);
    });
    await withSource(file, { bands: [4] }, async (s) => {
      const img = await s.readRgb({ x: 0, y: 0, width: 20, height: 10 }, 20, 10);
      expect(Array.from(img.data.subarray(0, 6))).toEqual([77, 77, 77, 77, 77, 77]);
    });
    const e = await refusal(file, { bands: [1, 2, 5] });
    expect(e.message).toMatch(/options.bands 1,2,5 is out of range; the image has 4 band/);
  });

  it('treats an alpha band (ExtraSamples=2) as the validity mask, for RGBA and grey+alpha', async () => {
    const rgba = pattern(20, 10, 4);
    const file = writeUtm('rgba.tif', rgba, 20, 10, { ExtraSamples: [2] });
    await withSource(file, {}, async (s) => {
      expect(s.info.alphaBand).toBe(3);
      const img = await s.readRgb({ x: 0, y: 0, width: 20, height: 10 }, 20, 10);
      expect((img.valid as Uint8Array)[4]).toBe(0);
      expect((img.valid as Uint8Array)[5]).toBe(1);
      expect(Array.from(img.data.subarray(5 * 3, 5 * 3 + 3))).toEqual(Array.from(rgba.subarray(5 * 4, 5 * 4 + 3)));
    });
    const ga = new Uint8Array(20 * 10 * 2).map((_, i) => (i % 2 ? (i < 40 ? 0 : 255) : 100 + (i % 50)));
    const greyAlpha = writeUtm('grey-alpha.tif', ga, 20, 10, { ExtraSamples: [2], PhotometricInterpretation: 1 });
    await withSource(greyAlpha, {}, async (s) => {
      const img = await s.readRgb({ x: 0, y: 0, width: 20, height: 10 }, 20, 10);
      expect((img.valid as Uint8Array)[0]).toBe(0);
      expect((img.valid as Uint8Array)[25]).toBe(1);
      expect(img.data[25 * 3]).toBe(ga[50]);
      expect(img.data[25 * 3]).toBe(img.data[25 * 3 + 2]);
    });
  });
});

describe('non-8-bit data is stretched (2–98 percentiles) and nodata is invalid', () => {
  it('uint16 with nodata', async () => {
    const w = 100;
    const h = 100;
    const v = new Uint16Array(w * h).map((_, i) => 1000 + (i % w) * 10);
    for (let i = 0; i < w; i++) v[i] = 0; // first row nodata
    const file = writeUtm('u16.tif', v, w, h, { GDAL_NODATA: '0' });
    await withSource(file, {}, async (s) => {
      expect(s.info.dtype).toBe('uint16');
      expect(s.info.nodata).toBe(0);
      const raw = await s.readSamples!({ x: 0, y: 0, width: w, height: 2 });
      expect(raw.arrays[0][w + 3]).toBe(1030);
      expect(raw.valid[3]).toBe(0);
      expect(raw.valid[w + 3]).toBe(1);
      const img = await s.readRgb({ x: 0, y: 0, width: w, height: h }, w, h);
      expect((img.valid as Uint8Array)[5]).toBe(0);
      const row = 50 * w;
      // Values span 1000..1990: the 2nd percentile (~1020) and below → 0, the 98th (~1970) and above → 255.
      expect(img.data[row * 3]).toBe(0);
      expect(img.data[(row + 99) * 3]).toBe(255);
      const mid = img.data[(row + 50) * 3];
      expect(mid).toBeGreaterThan(115);
      expect(mid).toBeLessThan(140);
      expect(img.data[(row + 50) * 3 + 1]).toBe(mid);
    });
  });

  it('int16 with negative values and float32 with NaN', async () => {
    const w = 50;
    const i16 = new Int16Array(w * w).map((_, i) => -500 + (i % w) * 20);
    // geotiff's writer mangles Int16Array input; the same bits as uint16 with SampleFormat 2 survive.
    const asInt16 = { GDAL_NODATA: '-500', SampleFormat: [2] };
    await withSource(writeUtm('i16.tif', new Uint16Array(i16.buffer), w, w, asInt16), {}, async (s) => {
      expect(s.info.dtype).toBe('int16');
      const img = await s.readRgb({ x: 0, y: 0, width: w, height: w }, w, w);
      expect((img.valid as Uint8Array)[0]).toBe(0);
      expect(img.data[(w - 1) * 3]).toBe(255);
    });
    const f32 = new Float32Array(w * w).map((_, i) => (i % 7 === 0 ? NaN : Math.sin(i) * 3.5));
    await withSource(writeUtm('f32.tif', f32, w, w, { GDAL_NODATA: 'nan' }), {}, async (s) => {
      expect(s.info.dtype).toBe('float32');
      expect(s.info.nodata).toBeNaN();
      const img = await s.readRgb({ x: 0, y: 0, width: w, height: w }, w, w);
      expect((img.valid as Uint8Array)[0]).toBe(0);
      expect((img.valid as Uint8Array)[1]).toBe(1);
    });
  });

  it('stretches each band over its own range by default: greys of a product with per-band gains stay grey; shared shows the cast', async () => {
    const w = 256;
    const file = join(dir, 'grey-gains.tif');
    await writeGreyUint16(file, w, 64, greyBar);
    const bar = (img: { data: Uint8Array }, x: number) => [...img.data.subarray((10 * w + x) * 3, (10 * w + x) * 3 + 3)];
    await withSource(file, {}, async (s) => {
      expect(s.stretch).toBe('per-band');
      const img = await s.readRgb({ x: 0, y: 0, width: w, height: 64 }, w, 64);
      for (let x = 16; x < w; x += 32) {
        const [r, g, b] = bar(img, x);
        expect(Math.abs(r - 255 * greyBar(x))).toBeLessThanOrEqual(1);
        expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThanOrEqual(1);
      }
    });
    await withSource(file, { stretch: 'shared' }, async (s) => {
      expect(s.stretch).toBe('shared');
      const img = await s.readRgb({ x: 0, y: 0, width: w, height: 64 }, w, 64);
      // Mid grey: green's gain lifts it well above red, blue's offset lifts blue.
      const [r, g, b] = bar(img, 3 * 32 + 16);
      expect(g - r).toBeGreaterThan(50);
      expect(b - r).toBeGreaterThan(20);
    });
  });

  it('refuses an unknown stretch naming the option', async () => {
    const file = join(dir, 'grey-gains-bad.tif');
    await writeGreyUint16(file, 32, 32, greyBar);
    const err = await openRaster(file, { stretch: 'auto' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SettingsError);
    expect((err as SettingsError).message).toBe('options.stretch auto: expected one of per-band, shared');
  });

  it('percentileStretch maps the 2nd and 98th percentiles to the ends', () => {
    const values = Float64Array.from({ length: 1001 }, (_, i) => i);
    const s = percentileStretch([values]);
    expect(s.low[0]).toBe(20);
    expect(s.high[0]).toBe(980);
    expect(percentileStretch([new Float64Array([5, 5, 5])]).high[0]).toBeGreaterThan(5);
  });
});

describe('compressed, tiled, pyramid and BigTIFF files (written by sharp/libvips)', () => {
  const w = 300;
  const h = 200;
  const px = pattern(w, h);
  const variants: [string, TiffOptions][] = [
    ['deflate+predictor, tiled', { compression: 'deflate', predictor: 'horizontal', tile: true, tileWidth: 64, tileHeight: 64 }],
    ['lzw+predictor, tiled', { compression: 'lzw', predictor: 'horizontal', tile: true, tileWidth: 128, tileHeight: 128 }],
    ['lzw, strips', { compression: 'lzw', predictor: 'none' }],
    ['deflate, BigTIFF', { compression: 'deflate', tile: true, tileWidth: 64, tileHeight: 64, bigtiff: true }],
  ];
  for (const [label, opts] of variants) {
    it(`${label}: pixels equal the source`, async () => {
      const file = join(dir, `${label.replace(/\W+/g, '_')}.tif`);
      await sharp(px, { raw: { width: w, height: h, channels: 3 } }).tiff(opts).toFile(file);
      await withSource(file, { gsd: 0.3 }, async (s) => {
        expect(s.info.georeferenced).toBe(false);
        expect(s.info.gsd_m).toBe(0.3);
        expect(s.info.tiled).toBe(Boolean(opts.tile));
        const img = await s.readRgb({ x: 0, y: 0, width: w, height: h }, w, h);
        expect(Buffer.from(img.data).equals(Buffer.from(px))).toBe(true);
        const part = await s.readRgb({ x: 61, y: 63, width: 70, height: 5 }, 70, 5);
        expect(Array.from(part.data.subarray(0, 6))).toEqual(Array.from(px.subarray((63 * w + 61) * 3, (63 * w + 61) * 3 + 6)));
      });
    });
  }

  it('reads overviews of a pyramid TIFF when shrinking by 2 or more, aligned with full resolution', async () => {
    const n = 1024;
    // Smooth blobs: an overview and a full-resolution read agree closely unless misaligned.
    const smooth = new Uint8Array(n * n * 3);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const o = (y * n + x) * 3;
        smooth[o] = 128 + 120 * Math.sin(x / 23) * Math.cos(y / 31);
        smooth[o + 1] = (x + y) / 8;
        smooth[o + 2] = 128 + 100 * Math.sin((x + 2 * y) / 17);
      }
    }
    const raw = { raw: { width: n, height: n, channels: 3 as const } };
    const pyramid = join(dir, 'pyramid.tif');
    const flat = join(dir, 'flat.tif');
    await sharp(smooth, raw).tiff({ compression: 'deflate', tile: true, tileWidth: 256, tileHeight: 256, pyramid: true }).toFile(pyramid);
    await sharp(smooth, raw).tiff({ compression: 'deflate', tile: true, tileWidth: 256, tileHeight: 256 }).toFile(flat);
    const win = { x: 101, y: 57, width: 600, height: 520 };
    const a = await withSource(pyramid, { gsd: 1 }, async (s) => {
      expect(s.info.overviews).toBeGreaterThan(0);
      return s.readRgb(win, 150, 130);
    });
    const b = await withSource(flat, { gsd: 1 }, async (s) => {
      expect(s.info.overviews).toBe(0);
      return s.readRgb(win, 150, 130);
    });
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff += Math.abs(a.data[i] - b.data[i]);
    expect(diff / a.data.length).toBeLessThan(2);
  });
});

describe('PNG and JPEG with --gsd', () => {
  it('reads PNG windows (alpha as mask) and JPEG, and requires --gsd', async () => {
    const rgba = pattern(50, 40, 4);
    const png = join(dir, 'img.png');
    await sharp(rgba, { raw: { width: 50, height: 40, channels: 4 } }).png().toFile(png);
    await withSource(png, { gsd: 0.5 }, async (s) => {
      expect(publicInfo(s.info)).toMatchObject({ width: 50, height: 40, dtype: 'uint8', crs: null, gsd_m: 0.5, georeferenced: false });
      expect(s.notes.join(' ')).toMatch(/pixel coordinates only/);
      const img = await s.readRgb({ x: 0, y: 0, width: 50, height: 40 }, 50, 40);
      expect((img.valid as Uint8Array)[0]).toBe(0);
      const p = 10 * 50 + 20;
      expect(Array.from(img.data.subarray(p * 3, p * 3 + 3))).toEqual(Array.from(rgba.subarray(p * 4, p * 4 + 3)));
      const edge = await s.readRgb({ x: 40, y: 30, width: 20, height: 20 }, 20, 20);
      expect((edge.valid as Uint8Array)[15]).toBe(0);
    });
    const e = await refusal(png);
    expect(e.message).toBe(`${png}: has no georeferencing; pass options.gsd <metres per pixel>`);
    // `satcount info` opens it anyway and reports the pixel size as unknown.
    await withSource(png, { allowNoGsd: true }, async (s) => expect(s.info.gsd_m).toBeNull());

    const jpg = join(dir, 'img.jpg');
    await sharp(pattern(64, 48), { raw: { width: 64, height: 48, channels: 3 } }).jpeg({ quality: 95 }).toFile(jpg);
    await withSource(jpg, { gsd: 0.1 }, async (s) => {
      expect(s.info.format).toBe('jpeg');
      const img = await s.readRgb({ x: 8, y: 8, width: 32, height: 32 }, 16, 16);
      expect(img.valid).toBeNull();
      expect(img.data.length).toBe(16 * 16 * 3);
    });
  });

  it('a plain TIFF without georeferencing needs --gsd too', async () => {
    const file = join(dir, 'plain.tif');
    await sharp(pattern(20, 20), { raw: { width: 20, height: 20, channels: 3 } }).tiff().toFile(file);
    const e = await refusal(file);
    expect(e.message).toMatch(/has no georeferencing; pass options.gsd/);
    await withSource(file, { allowNoGsd: true }, async (s) => expect(publicInfo(s.info)).toMatchObject({ gsd_m: null, georeferenced: false }));
  });
});

describe('cancellation', () => {
  it('readRgb stops with an AbortError (not a bad-input error) once the signal fires', async () => {
    const file = writeUtm('abort.tif', pattern(20, 20), 20, 20);
    const controller = new AbortController();
    await withSource(file, { signal: controller.signal }, async (s) => {
      await s.readRgb({ x: 0, y: 0, width: 20, height: 20 }, 10, 10);
      controller.abort();
      await expect(s.readRgb({ x: 0, y: 0, width: 20, height: 20 }, 10, 10)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
});

describe('bad input: one line naming the file, exit code 2', () => {
  it('missing file, directory, not an image, empty file', async () => {
    expect((await refusal(join(dir, 'nope.tif'))).message).toMatch(/: no such file$/);
    const sub = join(dir, 'a-dir.tif');
    mkdirSync(sub, { recursive: true });
    expect((await refusal(sub)).message).toMatch(/is a directory/);
    const text = join(dir, 'notes.tif');
    writeFileSync(text, 'this is not an image\n');
    expect((await refusal(text)).message).toMatch(/not an image satcount can read/);
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    expect((await refusal(empty)).message).toMatch(/empty file/);
  });

  it('truncated TIFF, cut in the image data or in the header', async () => {
    const file = join(dir, 'full.tif');
    await sharp(pattern(256, 256), { raw: { width: 256, height: 256, channels: 3 } })
      .tiff({ compression: 'deflate', tile: true, tileWidth: 64, tileHeight: 64 })
      .toFile(file);
    const bytes = readFileSync(file);
    for (const keep of [Math.floor(bytes.length / 3), 300]) {
      const cut = join(dir, `truncated-${keep}.tif`);
      writeFileSync(cut, bytes.subarray(0, keep));
      expect((await refusal(cut, { gsd: 1 })).message).toMatch(/truncated TIFF|not a readable TIFF/);
    }
    // geotiff's writer puts the IFD first: only the pixel data is missing.
    const strip = readFileSync(writeUtm('strip.tif', pattern(64, 64), 64, 64));
    const cut = join(dir, 'truncated-strip.tif');
    writeFileSync(cut, strip.subarray(0, strip.length - 1000));
    expect((await refusal(cut)).message).toMatch(/truncated TIFF \(image data ends at byte \d+, the file has \d+\)$/);
  });

  it('unsupported sample format and zero width', async () => {
    const f16 = writeUtm('f16.tif', new Uint16Array(16), 4, 4, { SampleFormat: [3], BitsPerSample: [16] });
    expect((await refusal(f16)).message).toMatch(/unsupported sample format \(16-bit floating point\)/);
    const complex = writeUtm('complex.tif', new Int16Array(16), 4, 4, { SampleFormat: [5] });
    expect((await refusal(complex)).message).toMatch(/unsupported sample format/);
    // Patch ImageWidth (tag 256, the first IFD entry) to 0 in a valid file.
    const bytes = Buffer.from(readFileSync(writeUtm('zero.tif', new Uint8Array(16), 4, 4)));
    const ifd = bytes.readUInt32BE(4);
    const entries = bytes.readUInt16BE(ifd);
    for (let k = 0; k < entries; k++) {
      const at = ifd + 2 + k * 12;
      if (bytes.readUInt16BE(at) === 256) {
        if (bytes.readUInt16BE(at + 2) === 3) bytes.writeUInt16BE(0, at + 8);
        else bytes.writeUInt32BE(0, at + 8);
      }
    }
    const zero = join(dir, 'zero-width.tif');
    writeFileSync(zero, bytes);
    expect((await refusal(zero)).message).toMatch(/zero width or height/);
  });

  it('--max-megapixels bounds each window decoded, not the image', async () => {
    const file = writeUtm('mp.tif', pattern(100, 100), 100, 100);
    await withSource(file, { maxMegapixels: 0.005 }, async (s) => {
      await expect(s.readRgb({ x: 0, y: 0, width: 50, height: 50 }, 50, 50)).resolves.toMatchObject({ width: 50 });
      await expect(s.readRgb({ x: 0, y: 0, width: 100, height: 100 }, 10, 10)).rejects.toThrow(/mp\.tif: a 100×100 window is beyond options.maxMegapixels 0\.005/);
    });
  });
});

describe('georeferencing', () => {
  const base: RasterInfo = {
    path: 'x.tif',
    format: 'geotiff',
    width: 100,
    height: 100,
    bands: 3,
    dtype: 'uint8',
    crs: 'EPSG:32633',
    crsProj4: '+proj=utm +zone=33 +datum=WGS84 +units=m +no_defs',
    geoTransform: [500000, 0.5, 0, 1000, 0, -0.5],
    gsd_m: 0.5,
    georeferenced: true,
    nodata: null,
    tiled: false,
    blockWidth: 100,
    blockHeight: 1,
    overviews: 0,
    alphaBand: null,
    hasMask: false,
  };

  it('maps pixels to the CRS and to WGS84 and back', () => {
    const g = createGeoref(base)!;
    expect(g.geographic).toBe(false);
    expect(g.pixelToCrs([10, 20])).toEqual([500005, 990]);
    expect(g.crsToPixel([500005, 990])).toEqual([10, 20]);
    const [lon, lat] = g.crsToLonLat([500000, 0]);
    expect(lon).toBeCloseTo(15, 9); // central meridian of zone 33
    expect(lat).toBeCloseTo(0, 9);
    const back = g.lonLatToCrs(g.crsToLonLat([500123, 4000000]));
    expect(back[0]).toBeCloseTo(500123, 4);
    expect(back[1]).toBeCloseTo(4000000, 4);
    expect(createGeoref({ ...base, georeferenced: false })).toBeNull();
  });

  it('computes ground metres per pixel for geographic and Web Mercator grids', () => {
    const geo = createGeoref({ ...base, crs: 'EPSG:4326', crsProj4: '+proj=longlat +datum=WGS84 +no_defs', geoTransform: [10, 1e-5, 0, 0.0005, 0, -1e-5] })!;
    expect(geo.geographic).toBe(true);
    expect(groundGsd(geo, 100, 100)).toBeCloseTo((metresPerDegree(0).lon + metresPerDegree(0).lat) * 0.5e-5, 6);
    expect(metresPerDegree(0).lon).toBeCloseTo(111319.49, 1);
    // EPSG:3857 at 60° N: a 10 m grid cell is 5 m on the ground.
    const y60 = 8399737.89;
    const merc = createGeoref({
      ...base,
      crsProj4: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
      geoTransform: [0, 10, 0, y60 + 500, 0, -10],
    })!;
    expect(groundGsd(merc, 100, 100)).toBeCloseTo(5, 1);
  });

  it('reads ModelTransformation (south-up) and shifts PixelIsPoint by half a pixel like GDAL', () => {
    const southUp = geoTransformFromTags({ modelTransformation: [0.5, 0, 0, -180, 0, 0.5, 0, -90, 0, 0, 0, 0, 0, 0, 0, 1], pixelIsPoint: false });
    expect(southUp).toEqual({ kind: 'affine', geoTransform: [-180, 0.5, 0, -90, 0, 0.5] });
    const point = geoTransformFromTags({ modelPixelScale: [100, 100, 0], modelTiepoint: [0, 0, 0, 1050, 2050, 0], pixelIsPoint: true });
    expect(point).toEqual({ kind: 'affine', geoTransform: [1000, 100, 0, 2100, 0, -100] });
    expect(geoTransformFromTags({ pixelIsPoint: false })).toEqual({ kind: 'none' });
  });

  it('fits an affine transform to ground control points, exactly when they are affine', () => {
    const gt = [300000, 2, 0.5, 5000000, 0.3, -2];
    const tie: number[] = [];
    for (const [i, j] of [[0, 0], [100, 0], [0, 80], [100, 80], [50, 40]]) tie.push(i, j, 0, gt[0] + i * gt[1] + j * gt[2], gt[3] + i * gt[4] + j * gt[5], 0);
    const fit = fitAffine(tie)!;
    fit.geoTransform.forEach((v, k) => expect(v).toBeCloseTo(gt[k], 6));
    expect(fit.rmsPixels).toBeLessThan(1e-6);
    expect(fitAffine([0, 0, 0, 1, 1, 0, 1, 1, 0, 2, 2, 0, 2, 2, 0, 3, 3, 0])).toBeNull(); // collinear
  });

  it('rebuilds a user-defined projected CRS from its GeoKeys, and spots non-Earth bodies', () => {
    const albers = crsFromGeoKeys({
      GTModelTypeGeoKey: 1,
      GeographicTypeGeoKey: 4326,
      ProjectedCSTypeGeoKey: 32767,
      ProjCoordTransGeoKey: 11,
      ProjLinearUnitsGeoKey: 9001,
      ProjStdParallel1GeoKey: 29.5,
      ProjStdParallel2GeoKey: 45.5,
      ProjNatOriginLongGeoKey: -96,
      ProjNatOriginLatGeoKey: 23,
      ProjFalseEastingGeoKey: 0,
      ProjFalseNorthingGeoKey: 0,
    });
    expect(albers).toMatchObject({ epsg: null, geographic: false, earth: true });
    expect((albers as { proj4: string }).proj4).toMatch(/\+proj=aea \+lat_1=29.5 \+lat_2=45.5 \+lat_0=23 \+lon_0=-96 .*\+datum=WGS84/);
    const mars = crsFromGeoKeys({
      GTModelTypeGeoKey: 1,
      GeographicTypeGeoKey: 32767,
      GeogSemiMajorAxisGeoKey: 3395582,
      GeogSemiMinorAxisGeoKey: 3395582,
      ProjectedCSTypeGeoKey: 32767,
      ProjCoordTransGeoKey: 17,
      ProjStdParallel1GeoKey: -10,
      ProjCenterLongGeoKey: 180,
    });
    expect(mars).toMatchObject({ earth: false });
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 1, ProjectedCSTypeGeoKey: 32767, ProjCoordTransGeoKey: 99 })).toMatchObject({
      reason: expect.stringMatching(/user-defined projection/),
    });
    expect(crsFromGeoKeys({ GTModelTypeGeoKey: 2, GeographicTypeGeoKey: 4269 })).toMatchObject({ epsg: 'EPSG:4269', geographic: true });
  });

  it('a GeoTIFF in a user-defined CRS is georeferenced without an EPSG code', async () => {
    // geotiff's writer cannot encode projection-parameter GeoKeys, so the directory is given whole.
    const file = writeUtm('albers.tif', pattern(10, 10), 10, 10, {
      ModelTiepoint: [0, 0, 0, -673425, 2130165, 0],
      ModelPixelScale: [30, 30, 0],
      GeoKeyDirectory: [
        1, 1, 0, 10, 1024, 0, 1, 1, 1025, 0, 1, 1, 2048, 0, 1, 4326, 3072, 0, 1, 32767, 3075, 0, 1, 11, 3076, 0, 1, 9001,
        3078, 34736, 1, 0, 3079, 34736, 1, 1, 3080, 34736, 1, 2, 3081, 34736, 1, 3,
      ],
      GeoDoubleParams: [29.5, 45.5, -96, 23],
    });
    await withSource(file, {}, async (s) => {
      expect(s.info.crs).toBeNull();
      expect(s.info.georeferenced).toBe(true);
      // Upper-left corner per gdalinfo of solaris' sample_geotiff_custom_proj.tif (same CRS and origin).
      const [lon, lat] = s.georef!.crsToLonLat(s.georef!.pixelToCrs([0, 0]));
      expect(lon).toBeCloseTo(-(104 + 11 / 60 + 8.97 / 3600), 4);
      expect(lat).toBeCloseTo(41 + 54 / 60 + 45.64 / 3600, 4);
    });
  });
});

describe('decoders', () => {
  it('LZW decodes the KwKwK case and code-width changes', () => {
    // Codes (9 bit): 65 'A', 258 ('AA', defined by this very use), EOI.
    const codes = [256, 65, 258, 257];
    let bits = '';
    for (const c of codes) bits += c.toString(2).padStart(9, '0');
    while (bits.length % 8) bits += '0';
    const bytes = Uint8Array.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
    expect(Array.from(lzwDecode(bytes))).toEqual([65, 65, 65]);
  });
});
