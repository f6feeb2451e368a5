import { stat } from 'node:fs/promises';
import { fromFile, GeoTIFF } from 'geotiff';
import { HttpRangeSource } from './http.js';

export function isUrl(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

/** Byte size of a local file, or null for URLs. */
export async function fileSize(pathOrUrl: string): Promise<number | null> {
  return isUrl(pathOrUrl) ? null : (await stat(pathOrUrl)).size;
}

/**
 * Opens a (Geo)TIFF from a local path or an http(s) URL. A URL is read by Range requests (only the
 * header, directories and the tiles asked for), with retries on transient failures; 403, 404 and
 * a server that ignores Range for a large file fail at once with a one-line SatcountError.
 */
export function openTiffFile(pathOrUrl: string, signal?: AbortSignal): Promise<GeoTIFF> {
  return isUrl(pathOrUrl) ? GeoTIFF.fromSource(new HttpRangeSource(pathOrUrl), {}, signal) : fromFile(pathOrUrl, signal);
}
