import type { GeoTIFF, GeoTIFFImage, TypedArray } from 'geotiff';
import { SatcountError, type PixelWindow, type RasterInfo, type RgbImage, type SampleType } from '../../types.js';
import { checkWindowSize, defaultBands, describeError, megapixels, parseNodata, resolveBands } from '../common.js';
import { timeTagsOf } from '../acquired.js';
import { MAX_BLOCK_BYTES, registerFastDecoders } from './decoders.js';
import { createGeoref } from '../geo/georef.js';
import type { OpenOptions, RasterSource } from '../types.js';
import { allSet, blankInvalid, maskNodata, maskWhereZero, paletteToRgb, pickRgb, stretchChannel, validChannel, ycbcrToRgb } from '../pixels.js';
import { resampleRgb } from '../resample.js';
import { fileSize, openTiffFile } from '../sources/files.js';
import { channelRanges, percentileStretch, resolveStretch, type Stretch } from '../stretch.js';
import { sampleArray, sampleBits } from './blocks.js';
import { readTiffGeoreferencing } from './georef.js';
import { checkImagesInFile, findLevels, images, type Level } from './levels.js';

const PHOTOMETRIC = { whiteIsZero: 0, blackIsZero: 1, rgb: 2, palette: 3, mask: 4, ycbcr: 6 } as const;

function sampleType(format: number, bits: number): SampleType | null {
  if (format === 1 && bits >= 1 && bits <= 8) return 'uint8';
  if (format === 1 && bits === 16) return 'uint16';
  if (format === 1 && bits === 32) return 'uint32';
  if (format === 2 && bits === 8) return 'int8';
  if (format === 2 && bits === 16) return 'int16';
  if (format === 2 && bits === 32) return 'int32';
  if (format === 3 && bits === 32) return 'float32';
  if (format === 3 && bits === 64) return 'float64';
  return null;
}

/** Index of the alpha band (0-based) from ExtraSamples, or null. */
function alphaBand(image: GeoTIFFImage): number | null {
  const extra = image.getFileDirectory().getValue('ExtraSamples') as ArrayLike<number> | undefined;
  if (!extra) return null;
  const base = image.getSamplesPerPixel() - extra.length;
  for (let i = 0; i < extra.length; i++) {
    // 1 = associated (premultiplied), 2 = unassociated alpha.
    if (extra[i] === 1 || extra[i] === 2) return base + i;
  }
  return null;
}

/** Opens a TIFF or GeoTIFF (local or http(s)) for windowed RGB reads. */
export async function openTiff(path: string, opts: OpenOptions): Promise<RasterSource> {
  registerFastDecoders();
  const size = await fileSize(path);
  const tiff = await openTiffFile(path, opts.signal);
  const extras: GeoTIFF[] = [];
  try {
    return await buildSource(path, tiff, size, extras, opts);
  } catch (err) {
    await Promise.allSettled([tiff.close(), ...extras.map((t) => t.close())]);
    throw err;
  }
}

async function buildSource(
  path: string,
  tiff: GeoTIFF,
  size: number | null,
  extras: GeoTIFF[],
  opts: OpenOptions,
): Promise<RasterSource> {
  if (size !== null && tiff.firstIFDOffset >= size) {
    throw new SatcountError(`${path}: truncated TIFF (its directory starts at byte ${tiff.firstIFDOffset}, the file has ${size})`);
  }
  const all = await images(tiff, size);
  const main = all[0];
  const width = main.getWidth();
  const height = main.getHeight();
  if (!(width > 0 && height > 0)) throw new SatcountError(`${path}: image has zero width or height (${width}×${height})`);
  // --max-megapixels bounds what one read decodes, not the image: windowed reads keep memory
  // independent of image size, so a 40000² COG is fine and a 10 KB file claiming 10⁶ × 10⁶
  // pixels fails on its first window or its missing data instead.
  const fd = main.getFileDirectory();
  if (size !== null) {
    await checkDataInFile(path, main, size);
    await checkImagesInFile(path, all, size);
  }
  const spp = main.getSamplesPerPixel();
  // Zero samples (or zero bits) would make every block "complete" at 0 bytes: nothing to read.
  if (!(spp >= 1)) throw new SatcountError(`${path}: not a readable TIFF (it declares ${spp} samples per pixel)`);
  const bitsAll = Array.from((fd.getValue('BitsPerSample') as ArrayLike<number> | undefined) ?? [1]);
  const formatAll = Array.from((fd.getValue('SampleFormat') as ArrayLike<number> | undefined) ?? [1]);
  const bits = bitsAll[0];
  const format = formatAll[0];
  const dtype = sampleType(format, bits);
  if (!dtype || bitsAll.some((b) => b !== bits) || formatAll.some((f) => f !== format)) {
    const kinds = ['', 'unsigned integer', 'signed integer', 'floating point', 'undefined', 'complex integer', 'complex floating point'];
    throw new SatcountError(
      `${path}: unsupported sample format (${bitsAll.join('/')}-bit ${kinds[format] ?? `format ${format}`}); satcount reads 8/16/32-bit integer and 32/64-bit float samples`,
    );
  }
  const photometric = Number(fd.getValue('PhotometricInterpretation') ?? PHOTOMETRIC.blackIsZero);
  const compression = Number(fd.getValue('Compression') ?? 1);
  if (photometric === PHOTOMETRIC.ycbcr && compression !== 7) {
    throw new SatcountError(`${path}: unsupported colour model (YCbCr without JPEG compression)`);
  }
  if (![0, 1, 2, 3, 6].includes(photometric)) {
    const names: Record<number, string> = { 4: 'transparency mask', 5: 'CMYK', 8: 'CIE L*a*b*', 9: 'ICC L*a*b*', 10: 'ITU L*a*b*' };
    throw new SatcountError(`${path}: unsupported colour model (${names[photometric] ?? `photometric ${photometric}`})`);
  }

  const alpha = alphaBand(main);
  const bands = opts.bands ? resolveBands(path, opts.bands, spp) : defaultBands(spp, alpha);
  const nodataRaw = parseNodata(fd.getValue('GDAL_NODATA') as string | undefined);
  const nodata = nodataRaw === null || (Number.isNaN(nodataRaw) && format !== 3) ? null : nodataRaw;

  const geo = await readTiffGeoreferencing(path, main, opts.gsd, opts.allowNoGsd);
  const levels = await findLevels(path, all, size, extras, opts.signal, opts.blockCacheBytes);
  const info: RasterInfo = {
    path,
    format: geo.geotiff ? 'geotiff' : 'tiff',
    width,
    height,
    bands: spp,
    dtype,
    crs: geo.crs,
    crsProj4: geo.crsProj4,
    geoTransform: geo.geoTransform,
    gsd_m: geo.gsd_m,
    georeferenced: geo.georeferenced,
    nodata,
    tiled: main.isTiled,
    blockWidth: main.getTileWidth(),
    blockHeight: main.getTileHeight(),
    overviews: levels.length - 1,
    alphaBand: alpha,
    hasMask: levels[0].mask !== null,
  };
  const georef = createGeoref(info);
  const notes = geo.notes;

  const colorMap = photometric === PHOTOMETRIC.palette ? ((await fd.loadValue('ColorMap')) as ArrayLike<number>) : null;
  const readBands = alpha !== null && !bands.includes(alpha) ? [...bands, alpha] : bands;
  const allSamples = Array.from({ length: spp }, (_, i) => i);
  const eightBit = dtype === 'uint8' && bits === 8;
  const ycbcr = photometric === PHOTOMETRIC.ycbcr && bands.length === 3;
  const palette = colorMap !== null && bands.length === 1;
  // Resolved for every image, so a bad option fails on 8-bit ones too, not only where it would apply.
  const requested = resolveStretch(opts.stretch);
  const stretchMode = ycbcr || palette || eightBit ? null : requested;

  /**
   * Reads samples `which` (0-based, pixel-interleaved; must include the alpha band if any) of the
   * level rectangle (lx, ly, lw, lh), which may extend past the level, with each pixel's validity.
   */
  async function readLevel(level: Level, lx: number, ly: number, lw: number, lh: number, which: number[] = readBands) {
    const r = level.reader;
    const data = sampleArray(r.image, lw * lh * which.length);
    const valid = new Uint8Array(lw * lh);
    const ix0 = Math.max(0, lx);
    const iy0 = Math.max(0, ly);
    const ix1 = Math.min(r.width, lx + lw);
    const iy1 = Math.min(r.height, ly + lh);
    if (ix1 <= ix0 || iy1 <= iy0) return { data, valid };
    await r.read(ix0, iy0, ix1 - ix0, iy1 - iy0, which, data, lw, ix0 - lx, iy0 - ly);
    for (let y = iy0; y < iy1; y++) valid.fill(1, (y - ly) * lw + (ix0 - lx), (y - ly) * lw + (ix1 - lx));
    if (level.mask) {
      const m = sampleArray(level.mask.image, lw * lh);
      await level.mask.read(ix0, iy0, ix1 - ix0, iy1 - iy0, [0], m, lw, ix0 - lx, iy0 - ly);
      maskWhereZero(m, 1, 0, valid);
    }
    if (alpha !== null) maskWhereZero(data, which.length, which.indexOf(alpha), valid);
    if (nodata !== null || format === 3) {
      maskNodata(data, which.length, bands.map((b) => which.indexOf(b)), nodata ?? NaN, valid);
    }
    return { data, valid };
  }

  let stretchPromise: Promise<Stretch> | null = null;
  /** 2–98 % stretch from the coarsest level with ≥ 256 px on its short side, sampled in 16 windows. */
  function stretch(): Promise<Stretch> {
    stretchPromise ??= (async () => {
      const level = [...levels].reverse().find((l) => Math.min(l.reader.width, l.reader.height) >= 256) ?? levels[0];
      const { width: w, height: h } = level.reader;
      const grid = 4;
      const win = Math.max(1, Math.min(256, Math.floor(Math.min(w, h) / grid)));
      const per: Float64Array[][] = bands.map(() => []);
      for (let gy = 0; gy < grid; gy++) {
        for (let gx = 0; gx < grid; gx++) {
          const x = Math.max(0, Math.floor(((gx + 0.5) * w) / grid - win / 2));
          const y = Math.max(0, Math.floor(((gy + 0.5) * h) / grid - win / 2));
          const { data, valid } = await readLevel(level, x, y, win, win);
          bands.forEach((_, b) => per[b].push(validChannel(data, readBands.length, b, valid)));
        }
      }
      return percentileStretch(per.map((chunks) => concat(chunks)));
    })();
    return stretchPromise;
  }

  /** 8-bit RGB of samples read with `readBands` (the shown bands come first, in order). */
  async function toRgb(data: TypedArray, valid: Uint8Array, n: number): Promise<Uint8Array> {
    const channels = readBands.length;
    const from: [number, number, number] = bands.length === 1 ? [0, 0, 0] : [0, 1, 2];
    let rgb: Uint8Array;
    if (ycbcr) {
      rgb = new Uint8Array(n * 3);
      ycbcrToRgb(data, channels, rgb, n);
    } else if (palette) {
      rgb = new Uint8Array(n * 3);
      paletteToRgb(data, channels, colorMap, rgb, n);
    } else if (stretchMode === null && channels === 3 && bands.length === 3) {
      rgb = data as Uint8Array;
    } else if (stretchMode === null) {
      rgb = new Uint8Array(n * 3);
      pickRgb(data as Uint8Array, channels, from, rgb, n);
    } else {
      // Each band over its own range by default, as vendors' dynamic range adjustment does: real
      // products carry per-band gains and offsets, which one range shows as a colour cast. `shared`
      // keeps the bands' balance, for products already radiometrically balanced, where a per-band
      // stretch shifts the colours of a scene dominated by one land cover (figures: stretch.ts).
      const ranges = channelRanges(await stretch(), from, stretchMode);
      rgb = new Uint8Array(n * 3);
      for (let c = 0; c < 3; c++) stretchChannel(data, channels, from[c], ranges[c][0], ranges[c][1], rgb, c, n);
    }
    if (eightBit && photometric === PHOTOMETRIC.whiteIsZero) for (let i = 0; i < rgb.length; i++) rgb[i] = 255 - rgb[i];
    if (!allSet(valid)) blankInvalid(rgb, valid, n);
    return rgb;
  }

  return {
    info,
    georef,
    notes,
    grey: bands.length === 1 && !colorMap,
    stretch: stretchMode,
    readTimeTags: () => timeTagsOf(main),
    async readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage> {
      checkWindowSize(path, win, outW, outH);
      opts.signal?.throwIfAborted();
      try {
        const stepX = win.width / outW;
        const stepY = win.height / outH;
        // Coarsest level that still has at least one level pixel per output pixel.
        let level = levels[0];
        for (const l of levels) if (l.factorX <= stepX * 1.001 && l.factorY <= stepY * 1.001) level = l;
        const lx0 = win.x / level.factorX;
        const ly0 = win.y / level.factorY;
        const cx = Math.floor(lx0);
        const cy = Math.floor(ly0);
        // Overview reads start between output pixels: one more level pixel feeds the sub-pixel shift.
        const extra = level === levels[0] ? 0 : 1;
        const cw = Math.ceil((win.x + win.width) / level.factorX) - cx + extra;
        const ch = Math.ceil((win.y + win.height) / level.factorY) - cy + extra;
        checkWindowSize(path, { x: cx, y: cy, width: cw, height: ch }, outW, outH, opts.maxMegapixels);
        const { data, valid } = await readLevel(level, cx, cy, cw, ch);
        const rgb = await toRgb(data, valid, cw * ch);
        return await resampleRgb(
          { width: cw, height: ch, data: rgb, valid: allSet(valid) ? null : valid },
          { offsetX: lx0 - cx, offsetY: ly0 - cy, stepX: stepX / level.factorX, stepY: stepY / level.factorY },
          outW,
          outH,
        );
      } catch (err) {
        throw describeError(path, err);
      }
    },
    async readSamples(win: PixelWindow) {
      checkWindowSize(path, win, win.width, win.height, opts.maxMegapixels);
      try {
        const { data, valid } = await readLevel(levels[0], win.x, win.y, win.width, win.height, allSamples);
        const n = win.width * win.height;
        if (photometric === PHOTOMETRIC.ycbcr) {
          const rgb = new Uint8Array(n * 3);
          ycbcrToRgb(data, spp, rgb, n);
          return { arrays: [0, 1, 2].map((c) => Uint8Array.from({ length: n }, (_, i) => rgb[i * 3 + c])), valid };
        }
        const arrays = allSamples.map((c) => {
          const band = sampleArray(main, n);
          for (let i = 0; i < n; i++) band[i] = data[i * spp + c];
          return band;
        });
        return { arrays, valid };
      } catch (err) {
        throw describeError(path, err);
      }
    },
    async close() {
      await Promise.allSettled([tiff.close(), ...extras.map((t) => t.close())]);
    },
  };
}

/** A file cut short still parses (geotiff reads zeros past the end); its block table gives it away. */
async function checkDataInFile(path: string, image: GeoTIFFImage, size: number): Promise<void> {
  const fd = image.getFileDirectory();
  const tiled = image.isTiled;
  const offsets = (await fd.loadValue(tiled ? 'TileOffsets' : 'StripOffsets')) as ArrayLike<number | bigint> | undefined;
  const counts = (await fd.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts')) as ArrayLike<number | bigint> | undefined;
  if (!offsets || !counts || offsets.length === 0) throw new SatcountError(`${path}: not a readable TIFF (no image data offsets)`);
  // A 10 KB file claiming 10⁶ × 10⁶ pixels lists far fewer blocks than its size needs: refused
  // here, before a tiling plan for 10¹² pixels is made.
  const bw = image.getTileWidth();
  const bh = image.getTileHeight();
  const planes = image.planarConfiguration === 2 ? image.getSamplesPerPixel() : 1;
  const needed = Math.ceil(image.getWidth() / bw) * Math.ceil(image.getHeight() / bh) * planes;
  if (!(bw > 0 && bh > 0) || !(needed <= offsets.length && needed <= counts.length)) {
    throw new SatcountError(
      `${path}: not a readable TIFF (it declares ${image.getWidth()}×${image.getHeight()} pixels in ${needed} blocks of ${bw}×${bh}, but lists ${Math.min(offsets.length, counts.length)})`,
    );
  }
  // Blocks no decoder will take (decoders.ts) are refused now, not after planning every tile of a
  // 10⁶ × 10⁶ image whose whole data is one block.
  const spp = image.getSamplesPerPixel();
  const pixelBits = image.planarConfiguration === 2 ? sampleBits(image, 0) : Array.from({ length: spp }, (_, i) => sampleBits(image, i)).reduce((a, b) => a + b, 0);
  const blockBytes = Math.ceil((bw * pixelBits) / 8) * bh;
  if (!(blockBytes <= MAX_BLOCK_BYTES)) {
    throw new SatcountError(
      `${path}: unsupported layout (blocks of ${bw}×${bh} pixels, ${megapixels(blockBytes)} MB each; satcount decodes blocks of up to ${MAX_BLOCK_BYTES / 1024 ** 2} MiB)`,
    );
  }
}

function concat(chunks: Float64Array[]): Float64Array {
  const out = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
