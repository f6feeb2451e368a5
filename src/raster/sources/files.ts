import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { GeoTIFF } from 'geotiff';
import { HttpRangeSource, type ByteSource } from './http.js';
import { isUrl } from './url.js';

export { isUrl } from './url.js';

/** Byte size of a local file, or null for URLs. */
export async function fileSize(pathOrUrl: string): Promise<number | null> {
  return isUrl(pathOrUrl) ? null : (await stat(pathOrUrl)).size;
}

/**
 * Opens a (Geo)TIFF from a local path or an http(s) URL. A URL is read by Range requests (only the
 * header, directories and the tiles asked for), with retries on transient failures; 403, 404 and
 * a server that ignores Range for a large file fail at once with a one-line SatcountError.
 */
export async function openTiffFile(pathOrUrl: string, signal?: AbortSignal): Promise<GeoTIFF> {
  const tiff = await GeoTIFF.fromSource(isUrl(pathOrUrl) ? new HttpRangeSource(pathOrUrl) : new LocalFileSource(pathOrUrl), {}, signal);
  readArraysInFileByteOrder(tiff);
  return tiff;
}

/**
 * A local file read synchronously. A block comes from the page cache in ~0.1 ms, while geotiff's
 * own file source (one thread-pool round trip per read) left decoding idle a fifth of the time
 * in a whole-file read. Counts read in a worker thread (worker-reads.ts), so this never holds up
 * inference. Bytes past the end of the file read as zeros, as geotiff's do; levels.ts refuses
 * blocks that lie there.
 */
class LocalFileSource implements ByteSource {
  private fd: number | null;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  async fetch(slices: { offset: number; length: number }[]): Promise<ArrayBuffer[]> {
    return slices.map((slice) => this.read(slice));
  }

  async fetchSlice(slice: { offset: number; length: number }) {
    return { ...slice, data: this.read(slice) };
  }

  private read({ offset, length }: { offset: number; length: number }): ArrayBuffer {
    if (this.fd === null) throw new Error('file already closed');
    const bytes = new Uint8Array(length);
    readSync(this.fd, bytes, 0, length, offset);
    return bytes.buffer;
  }

  get fileSize(): number | null {
    return null;
  }

  async close(): Promise<void> {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/**
 * geotiff 3.0.5 reads tag arrays it defers (strip and tile offsets and byte counts too large to
 * sit next to the directory) as little-endian whatever the file says (DeferredArray in
 * imagefiledirectory.js), so a big-endian TIFF with more than a few strips gets nonsense offsets.
 * Its parser reads eagerly fetched arrays in the file's byte order: big-endian files are parsed
 * eagerly. No directory is parsed before this (fromSource reads the header only), and checkIfd
 * bounds each tag's size before the parser sees it.
 */
function readArraysInFileByteOrder(tiff: GeoTIFF): void {
  if (tiff.littleEndian) return;
  const parser = (tiff as unknown as { parser?: { eager: boolean } }).parser;
  if (parser) parser.eager = true;
}
