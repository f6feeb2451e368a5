import { stat } from 'node:fs/promises';
import { fromFile, GeoTIFF } from 'geotiff';
import { HttpRangeSource } from './http.js';
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
  const tiff = await (isUrl(pathOrUrl) ? GeoTIFF.fromSource(new HttpRangeSource(pathOrUrl), {}, signal) : fromFile(pathOrUrl, signal));
  readArraysInFileByteOrder(tiff);
  return tiff;
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
