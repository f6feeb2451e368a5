import { open, stat } from 'node:fs/promises';
import type { TypedArray } from 'geotiff';
import { SatcountError, type Georef, type PixelWindow, type RasterInfo, type RgbImage } from '../types.js';
import { describeError } from './common.js';
import { openPlainImage } from './image-source.js';
import { isUrl } from './source.js';
import { openTiff } from './tiff-source.js';

export interface OpenOptions {
  /** Metres per pixel; required for images without georeferencing, overrides the file's otherwise. */
  gsd?: number;
  /** Bands to show as R, G, B (1-based; one band = grey). Default: the first three colour bands. */
  bands?: number[];
  /** Open images with no known pixel size (gsd_m null) instead of refusing them (`satcount info`). */
  allowNoGsd?: boolean;
  /** Refuse images (and single window reads) larger than this. */
  maxMegapixels?: number;
  signal?: AbortSignal;
}

export interface RasterSource {
  info: RasterInfo;
  georef: Georef | null;
  /** Things the user should be told once (e.g. "no georeferencing", "GCPs fitted"). */
  notes: string[];
  /** Reads full-res window `win` (clipped to the image; parts outside are invalid), resampled to outW×outH, as 8-bit RGB + validity. */
  readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage>;
  /**
   * Raw samples of every band of a full-resolution window (TIFF only; tests and diagnostics),
   * with validity as readRgb computes it. Parts outside the image are 0 and invalid.
   */
  readSamples?(win: PixelWindow): Promise<{ arrays: TypedArray[]; valid: Uint8Array }>;
  /** A mosaic's images and where each sits in its pixel grid (see mosaic.ts); absent for one image. */
  parts?: { path: string; x0: number; y0: number; width: number; height: number }[];
  close(): Promise<void>;
}

type Format = 'tiff' | 'png' | 'jpeg';

/** Recognises a file by its first bytes, not its name. */
function sniff(head: Uint8Array): Format | null {
  const [a, b, c, d] = head;
  if ((a === 0x49 && b === 0x49 && (c === 42 || c === 43) && d === 0) || (a === 0x4d && b === 0x4d && c === 0 && (d === 42 || d === 43))) {
    return 'tiff';
  }
  if (a === 0x89 && b === 0x50 && c === 0x4e && d === 0x47) return 'png';
  if (a === 0xff && b === 0xd8 && c === 0xff) return 'jpeg';
  return null;
}

async function localFormat(path: string): Promise<Format> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new SatcountError(`${path}: no such file`);
  if (st.isDirectory()) throw new SatcountError(`${path}: is a directory, not an image`);
  if (st.size === 0) throw new SatcountError(`${path}: empty file, not an image`);
  const fh = await open(path, 'r');
  try {
    const head = new Uint8Array(8);
    await fh.read(head, 0, 8, 0);
    const format = sniff(head);
    if (!format) throw new SatcountError(`${path}: not an image satcount can read (expected GeoTIFF, TIFF, PNG or JPEG)`);
    return format;
  } finally {
    await fh.close();
  }
}

/**
 * Opens an image for windowed reading: GeoTIFF/TIFF (local or http(s), striped, tiled, COG,
 * BigTIFF) or PNG/JPEG. Every user-caused failure is a one-line SatcountError naming the file.
 *
 * @example
 * const src = await openRaster('scene.tif', { bands: [3, 2, 1] });
 * const rgb = await src.readRgb({ x: 0, y: 0, width: 1024, height: 1024 }, 512, 512);
 * await src.close();
 */
export async function openRaster(pathOrUrl: string, opts: OpenOptions = {}): Promise<RasterSource> {
  const format: Format = isUrl(pathOrUrl) ? 'tiff' : await localFormat(pathOrUrl);
  try {
    if (format === 'tiff') return await openTiff(pathOrUrl, opts);
    return await openPlainImage(pathOrUrl, format, opts);
  } catch (err) {
    if (err instanceof SatcountError || (err instanceof Error && err.name === 'AbortError')) throw err;
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    if (format === 'tiff') throw new SatcountError(`${pathOrUrl}: not a readable TIFF (${message})`);
    throw describeError(pathOrUrl, err);
  }
}
