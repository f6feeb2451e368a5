import { stat } from 'node:fs/promises';
import { fromFile, fromUrl, type GeoTIFF } from 'geotiff';

export function isUrl(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}

/** Byte size of a local file, or null for URLs. */
export async function fileSize(pathOrUrl: string): Promise<number | null> {
  return isUrl(pathOrUrl) ? null : (await stat(pathOrUrl)).size;
}

/**
 * Opens a (Geo)TIFF from a local path or an http(s) URL (range requests, e.g. a remote COG).
 * The one place a byte source is created, so retries or other sources plug in here.
 */
export function openTiffFile(pathOrUrl: string, signal?: AbortSignal): Promise<GeoTIFF> {
  return isUrl(pathOrUrl) ? fromUrl(pathOrUrl, {}, signal) : fromFile(pathOrUrl, signal);
}
