import { open, stat } from 'node:fs/promises';
import { SatcountError } from '../types.js';
import type { OpenOptions, RasterSource } from './types.js';
import { describeError } from './common.js';
import { isUrl } from './sources/files.js';
import { openTiff } from './tiff/source.js';

export type { OpenOptions, RasterSource, ReadOptions } from './types.js';

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
    // PNG and JPEG go through sharp, loaded only for them.
    const { openPlainImage } = await import('./sources/image.js');
    return await openPlainImage(pathOrUrl, format, opts);
  } catch (err) {
    if (err instanceof SatcountError || (err instanceof Error && err.name === 'AbortError')) throw err;
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    if (format === 'tiff') throw new SatcountError(`${pathOrUrl}: not a readable TIFF (${message})`);
    throw describeError(pathOrUrl, err);
  }
}
