import { open, type FileHandle } from 'node:fs/promises';
import { withAtomicFile } from '../../io/atomic.js';
import { endianness } from 'node:os';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { SatcountError, type GeoTransform } from '../../types.js';
import { lookupEpsg } from '../geo/epsg.js';

/**
 * Streaming writer for tiled, DEFLATE-compressed GeoTIFFs (classic or BigTIFF) with internal
 * overviews.
 *
 * File layout: header, then every IFD with its tile index arrays (all levels, reserved up front
 * and filled in at the end), then tile data in the order it is produced: full-resolution tile rows
 * interleaved with the overview tile rows they complete. Readers find any tile with one index
 * lookup, but this is not a strict COG: GDAL's COG validator wants overview data before the
 * full-resolution data (`gdal_translate -of COG` rewrites it so, when that matters).
 *
 * Memory stays bounded by one tile row per level (e.g. ~30 MB for a 40000-pixel-wide RGB image),
 * so images far larger than RAM can be written. Overviews are 2x2.. box averages computed here
 * from the level above (nodata samples are left out of the averages).
 *
 * @example
 * await writeGeoTiff('out.tif', { width: 1000, height: 800, bands: 3, dtype: 'uint8', epsg: 32633,
 *   geoTransform: [500000, 0.3, 0, 4600000, 0, -0.3] }, (x0, y0, w, h) => new Uint8Array(w * h * 3));
 */

export type WritableDtype = 'uint8' | 'uint16' | 'int16' | 'float32';
export type SampleArray = Uint8Array | Uint16Array | Int16Array | Float32Array;

export interface GeoTiffSpec {
  width: number;
  height: number;
  bands: number;
  dtype: WritableDtype;
  /** Tile width and height in pixels, a multiple of 16. Default 256. */
  tileSize?: number;
  /** EPSG code of the CRS; projected or geographic is looked up in epsg-index. */
  epsg?: number;
  /** North-up only: t[2] = t[4] = 0 and t[5] < 0. */
  geoTransform?: GeoTransform;
  nodata?: number;
  /** The last band is alpha (ExtraSamples = unassociated alpha). */
  alpha?: boolean;
  /** Overview decimation factors, increasing, each an integer multiple of the previous, e.g. [2, 4, 8]. */
  overviews?: number[];
  /** 'auto' (default) switches to BigTIFF when the uncompressed data could pass 4 GB. */
  bigTiff?: boolean | 'auto';
  /** Horizontal differencing (TIFF predictor 2) before DEFLATE; integer types only. Default true. */
  predictor?: boolean;
  /** zlib level 1..9. Default 6. */
  compressionLevel?: number;
}

/**
 * Supplies the full-resolution pixels of one tile: `w * h * bands` samples, pixel-interleaved,
 * row-major, in the typed array matching `dtype`. Edge tiles are asked for clipped to the image.
 * Tiles are requested row by row, left to right, top to bottom, each exactly once.
 */
export type TileSource = (x0: number, y0: number, w: number, h: number) => SampleArray | Promise<SampleArray>;

const deflateAsync = promisify(deflate);

const TYPE_ASCII = 2;
const TYPE_SHORT = 3;
const TYPE_LONG = 4;
const TYPE_DOUBLE = 12;
const TYPE_LONG8 = 16;
const TYPE_SIZE: Record<number, number> = { 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

const CLASSIC_LIMIT = 2 ** 32 - 2 ** 26;

interface Entry {
  tag: number;
  type: number;
  values: number[] | string;
}

interface Level {
  factor: number;
  width: number;
  height: number;
  across: number;
  down: number;
  offsets: number[];
  counts: number[];
}

interface Format {
  bytesPerSample: number;
  sampleFormat: number;
  make: (n: number) => SampleArray;
}

const FORMATS: Record<WritableDtype, Format> = {
  uint8: { bytesPerSample: 1, sampleFormat: 1, make: (n) => new Uint8Array(n) },
  uint16: { bytesPerSample: 2, sampleFormat: 1, make: (n) => new Uint16Array(n) },
  int16: { bytesPerSample: 2, sampleFormat: 2, make: (n) => new Int16Array(n) },
  float32: { bytesPerSample: 4, sampleFormat: 3, make: (n) => new Float32Array(n) },
};

export async function writeGeoTiff(path: string, spec: GeoTiffSpec, getTile: TileSource): Promise<void> {
  if (endianness() !== 'LE') throw new Error('writeGeoTiff assumes a little-endian host');
  const tile = spec.tileSize ?? 256;
  validateSpec(spec, tile);
  const fmt = FORMATS[spec.dtype];
  const levels = planLevels(spec, tile);
  const big = useBigTiff(spec, levels, tile, fmt.bytesPerSample);
  const predictor = (spec.predictor ?? true) && spec.dtype !== 'float32';
  const geoEntries = geoTiffEntries(spec, path);

  const ifds = () => levels.map((level, i) => ifdEntries(spec, level, i, tile, big, predictor, i === 0 ? geoEntries : []));
  const headerSize = encodeTiff(ifds(), big).length;

  // A registered temp file: a signal handler removes it, so an interrupted synth leaves nothing.
  await withAtomicFile(path, async (tmp) => {
    const fh = await open(tmp, 'w');
    try {
      const sink = new TileSink(fh, headerSize, big, spec.compressionLevel ?? 6);
      await streamLevels(spec, levels, tile, predictor, getTile, sink);
      await fh.write(encodeTiff(ifds(), big), 0, headerSize, 0);
    } finally {
      await fh.close().catch(() => undefined);
    }
  });
}

function validateSpec(spec: GeoTiffSpec, tile: number): void {
  const { width, height, bands } = spec;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`writeGeoTiff: bad size ${width}x${height}`);
  }
  if (!Number.isInteger(bands) || bands < 1) throw new Error(`writeGeoTiff: bad band count ${bands}`);
  if (!Number.isInteger(tile) || tile < 16 || tile % 16 !== 0) {
    throw new Error(`writeGeoTiff: tile size must be a multiple of 16, got ${tile}`);
  }
  const t = spec.geoTransform;
  if (t && (t[2] !== 0 || t[4] !== 0 || !(t[1] > 0) || !(t[5] < 0))) {
    throw new Error(`writeGeoTiff: only north-up geotransforms can be written, got [${t.join(', ')}]`);
  }
  let previous = 1;
  for (const f of spec.overviews ?? []) {
    const ratio = f / previous;
    if (!Number.isInteger(ratio) || ratio < 2 || tile % ratio !== 0) {
      throw new Error(`writeGeoTiff: overview factors must grow by integer steps dividing the tile size, got [${spec.overviews}]`);
    }
    previous = f;
  }
}

function planLevels(spec: GeoTiffSpec, tile: number): Level[] {
  return [1, ...(spec.overviews ?? [])].map((factor) => {
    const width = Math.ceil(spec.width / factor);
    const height = Math.ceil(spec.height / factor);
    const across = Math.ceil(width / tile);
    const down = Math.ceil(height / tile);
    return { factor, width, height, across, down, offsets: new Array(across * down).fill(0), counts: new Array(across * down).fill(0) };
  });
}

function useBigTiff(spec: GeoTiffSpec, levels: Level[], tile: number, bytesPerSample: number): boolean {
  if (spec.bigTiff === true || spec.bigTiff === false) return spec.bigTiff;
  const tiles = levels.reduce((n, l) => n + l.across * l.down, 0);
  return tiles * tile * tile * spec.bands * bytesPerSample * 1.01 + 2 ** 20 > CLASSIC_LIMIT;
}

function geoTiffEntries(spec: GeoTiffSpec, path: string): Entry[] {
  const entries: Entry[] = [];
  const t = spec.geoTransform;
  if (t) {
    entries.push({ tag: 33550, type: TYPE_DOUBLE, values: [t[1], -t[5], 0] });
    entries.push({ tag: 33922, type: TYPE_DOUBLE, values: [0, 0, 0, t[0], t[3], 0] });
  }
  if (t || spec.epsg !== undefined) {
    // Key ids: GTModelType 1024, GTRasterType 1025 (1 = PixelIsArea), GeographicType 2048, ProjectedCSType 3072.
    const keys: Array<[number, number]> = [[1025, 1]];
    if (spec.epsg !== undefined) {
      const crs = lookupEpsg(spec.epsg);
      if (!crs) throw new SatcountError(`${path}: unknown CRS EPSG:${spec.epsg}`);
      keys.push([1024, crs.geographic ? 2 : 1], [crs.geographic ? 2048 : 3072, spec.epsg]);
    }
    keys.sort((a, b) => a[0] - b[0]);
    entries.push({ tag: 34735, type: TYPE_SHORT, values: [1, 1, 0, keys.length, ...keys.flatMap(([id, v]) => [id, 0, 1, v])] });
  }
  return entries;
}

function ifdEntries(spec: GeoTiffSpec, level: Level, index: number, tile: number, big: boolean, predictor: boolean, geo: Entry[]): Entry[] {
  const fmt = FORMATS[spec.dtype];
  const colour = spec.bands >= 3 ? 3 : 1;
  const extra = Array.from({ length: spec.bands - colour }, (_, i) => (spec.alpha && i === spec.bands - colour - 1 ? 2 : 0));
  const entries: Entry[] = [
    { tag: 254, type: TYPE_LONG, values: [index === 0 ? 0 : 1] },
    { tag: 256, type: TYPE_LONG, values: [level.width] },
    { tag: 257, type: TYPE_LONG, values: [level.height] },
    { tag: 258, type: TYPE_SHORT, values: new Array(spec.bands).fill(fmt.bytesPerSample * 8) },
    { tag: 259, type: TYPE_SHORT, values: [8] },
    { tag: 262, type: TYPE_SHORT, values: [colour === 3 ? 2 : 1] },
    { tag: 277, type: TYPE_SHORT, values: [spec.bands] },
    { tag: 284, type: TYPE_SHORT, values: [1] },
    { tag: 322, type: TYPE_LONG, values: [tile] },
    { tag: 323, type: TYPE_LONG, values: [tile] },
    { tag: 324, type: big ? TYPE_LONG8 : TYPE_LONG, values: level.offsets },
    { tag: 325, type: big ? TYPE_LONG8 : TYPE_LONG, values: level.counts },
    { tag: 339, type: TYPE_SHORT, values: new Array(spec.bands).fill(fmt.sampleFormat) },
  ];
  if (predictor) entries.push({ tag: 317, type: TYPE_SHORT, values: [2] });
  if (extra.length > 0) entries.push({ tag: 338, type: TYPE_SHORT, values: extra });
  if (spec.nodata !== undefined) entries.push({ tag: 42113, type: TYPE_ASCII, values: `${formatNodata(spec.nodata)}\0` });
  entries.push(...geo);
  return entries.sort((a, b) => a.tag - b.tag);
}

function formatNodata(v: number): string {
  return Number.isNaN(v) ? 'nan' : String(v);
}

/** Header plus every IFD, each followed by its out-of-line values. Size depends only on counts. */
function encodeTiff(ifds: Entry[][], big: boolean): Buffer {
  const entrySize = big ? 20 : 12;
  const countSize = big ? 8 : 2;
  const inline = big ? 8 : 4;
  const header = big ? 16 : 8;
  const sizeOf = (e: Entry) => (typeof e.values === 'string' ? e.values.length : e.values.length) * TYPE_SIZE[e.type];

  let total = header;
  for (const entries of ifds) {
    total += countSize + entries.length * entrySize + inline;
    for (const e of entries) if (sizeOf(e) > inline) total += sizeOf(e) + (sizeOf(e) % 2);
  }
  const buf = Buffer.alloc(total);
  buf.write('II', 0, 'latin1');
  if (big) {
    buf.writeUInt16LE(43, 2);
    buf.writeUInt16LE(8, 4);
    buf.writeBigUInt64LE(BigInt(header), 8);
  } else {
    buf.writeUInt16LE(42, 2);
    buf.writeUInt32LE(header, 4);
  }
  const writeOffset = (at: number, v: number) => (big ? buf.writeBigUInt64LE(BigInt(v), at) : buf.writeUInt32LE(v, at));

  let pos = header;
  ifds.forEach((entries, i) => {
    const ifdStart = pos;
    const nextAt = ifdStart + countSize + entries.length * entrySize;
    let data = nextAt + inline;
    if (big) buf.writeBigUInt64LE(BigInt(entries.length), ifdStart);
    else buf.writeUInt16LE(entries.length, ifdStart);
    entries.forEach((e, k) => {
      const at = ifdStart + countSize + k * entrySize;
      const count = typeof e.values === 'string' ? e.values.length : e.values.length;
      buf.writeUInt16LE(e.tag, at);
      buf.writeUInt16LE(e.type, at + 2);
      if (big) buf.writeBigUInt64LE(BigInt(count), at + 4);
      else buf.writeUInt32LE(count, at + 4);
      const valueAt = at + (big ? 12 : 8);
      const size = sizeOf(e);
      let target = valueAt;
      if (size > inline) {
        writeOffset(valueAt, data);
        target = data;
        data += size + (size % 2);
      }
      writeValues(buf, target, e);
    });
    writeOffset(nextAt, i + 1 < ifds.length ? data : 0);
    pos = data;
  });
  return buf;
}

function writeValues(buf: Buffer, at: number, e: Entry): void {
  if (typeof e.values === 'string') {
    buf.write(e.values, at, 'latin1');
    return;
  }
  const step = TYPE_SIZE[e.type];
  e.values.forEach((v, i) => {
    const p = at + i * step;
    if (e.type === TYPE_SHORT) buf.writeUInt16LE(v, p);
    else if (e.type === TYPE_LONG) buf.writeUInt32LE(v, p);
    else if (e.type === TYPE_DOUBLE) buf.writeDoubleLE(v, p);
    else buf.writeBigUInt64LE(BigInt(v), p);
  });
}

/** Appends compressed tiles after the reserved header and records where each went. */
class TileSink {
  private pos: number;

  constructor(
    private readonly fh: FileHandle,
    start: number,
    private readonly big: boolean,
    private readonly zlibLevel: number,
  ) {
    this.pos = start;
  }

  /** Compresses one row of tiles concurrently (zlib's thread pool), then writes them in order. */
  async writeRow(level: Level, row: number, tiles: SampleArray[]): Promise<void> {
    const packed = await Promise.all(
      tiles.map((t) => deflateAsync(new Uint8Array(t.buffer, t.byteOffset, t.byteLength), { level: this.zlibLevel })),
    );
    for (let col = 0; col < packed.length; col++) {
      const bytes = packed[col];
      if (!this.big && this.pos + bytes.length > 2 ** 32) {
        throw new Error('writeGeoTiff: file passed 4 GB; write it with bigTiff: true');
      }
      await this.fh.write(bytes, 0, bytes.length, this.pos);
      level.offsets[row * level.across + col] = this.pos;
      level.counts[row * level.across + col] = bytes.length;
      this.pos += bytes.length;
    }
  }
}

/**
 * Pulls full-resolution tile rows from the source, writes them, and feeds each assembled strip
 * to the next overview level, which writes its own tile rows once it has a full strip.
 */
async function streamLevels(
  spec: GeoTiffSpec,
  levels: Level[],
  tile: number,
  predictor: boolean,
  getTile: TileSource,
  sink: TileSink,
): Promise<void> {
  const { bands } = spec;
  const fmt = FORMATS[spec.dtype];
  const pending: Array<{ strip: SampleArray; rows: number }> = levels.map((l) => ({ strip: fmt.make(tile * l.width * bands), rows: 0 }));

  const emitStrip = async (li: number, row: number): Promise<void> => {
    const level = levels[li];
    const { strip, rows } = pending[li];
    const tiles: SampleArray[] = [];
    for (let col = 0; col < level.across; col++) {
      const x0 = col * tile;
      const w = Math.min(tile, level.width - x0);
      const out = fmt.make(tile * tile * bands);
      for (let y = 0; y < rows; y++) {
        out.set(strip.subarray((y * level.width + x0) * bands, (y * level.width + x0 + w) * bands), y * tile * bands);
      }
      if (predictor) applyPredictor(out, tile, bands);
      tiles.push(out);
    }
    await sink.writeRow(level, row, tiles);
    if (li + 1 < levels.length) await feedOverview(li + 1, strip, rows);
  };

  const produced = levels.map(() => 0);

  const feedOverview = async (li: number, src: SampleArray, srcRows: number): Promise<void> => {
    const level = levels[li];
    const target = pending[li];
    const ratio = level.factor / levels[li - 1].factor;
    downsample(src, levels[li - 1].width, srcRows, bands, ratio, target.strip, target.rows, level.width, spec.nodata);
    const added = Math.ceil(srcRows / ratio);
    target.rows += added;
    produced[li] += added;
    if (target.rows === tile || produced[li] === level.height) {
      await emitStrip(li, Math.floor((produced[li] - target.rows) / tile));
      target.rows = 0;
      target.strip.fill(0);
    }
  };

  const full = levels[0];
  for (let row = 0; row < full.down; row++) {
    const y0 = row * tile;
    const h = Math.min(tile, spec.height - y0);
    const strip = pending[0].strip;
    for (let col = 0; col < full.across; col++) {
      const x0 = col * tile;
      const w = Math.min(tile, spec.width - x0);
      const data = await getTile(x0, y0, w, h);
      if (data.length !== w * h * bands || !(data instanceof (strip.constructor as typeof Uint8Array))) {
        throw new Error(`writeGeoTiff: tile at ${x0},${y0} must be a ${strip.constructor.name} of ${w * h * bands} samples`);
      }
      for (let y = 0; y < h; y++) {
        strip.set(data.subarray(y * w * bands, (y + 1) * w * bands), (y * spec.width + x0) * bands);
      }
    }
    pending[0].rows = h;
    await emitStrip(0, row);
    strip.fill(0);
  }
}

/** Box-averages `ratio`x`ratio` blocks of a strip into rows of `out` starting at row `outRow0`. */
function downsample(
  src: SampleArray,
  srcWidth: number,
  srcRows: number,
  bands: number,
  ratio: number,
  out: SampleArray,
  outRow0: number,
  outWidth: number,
  nodata: number | undefined,
): void {
  const isFloat = src instanceof Float32Array;
  const skip = (v: number) => nodata !== undefined && (v === nodata || (Number.isNaN(nodata) && Number.isNaN(v)));
  const outRows = Math.ceil(srcRows / ratio);
  for (let oy = 0; oy < outRows; oy++) {
    const y1 = Math.min(srcRows, (oy + 1) * ratio);
    for (let ox = 0; ox < outWidth; ox++) {
      const x1 = Math.min(srcWidth, (ox + 1) * ratio);
      for (let b = 0; b < bands; b++) {
        let sum = 0;
        let n = 0;
        for (let y = oy * ratio; y < y1; y++) {
          for (let x = ox * ratio; x < x1; x++) {
            const v = src[(y * srcWidth + x) * bands + b];
            if (skip(v)) continue;
            sum += v;
            n++;
          }
        }
        const value = n === 0 ? (nodata as number) : isFloat ? sum / n : Math.round(sum / n);
        out[((outRow0 + oy) * outWidth + ox) * bands + b] = value;
      }
    }
  }
}

/** TIFF predictor 2: each sample minus the same band's sample to its left, wrapping. */
function applyPredictor(data: SampleArray, tile: number, bands: number): void {
  const view = data instanceof Int16Array ? new Uint16Array(data.buffer, data.byteOffset, data.length) : data;
  const mask = view instanceof Uint8Array ? 0xff : 0xffff;
  const rowLen = tile * bands;
  for (let y = 0; y < tile; y++) {
    const base = y * rowLen;
    for (let i = rowLen - 1; i >= bands; i--) {
      view[base + i] = (view[base + i] - view[base + i - bands]) & mask;
    }
  }
}
