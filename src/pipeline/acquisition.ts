import { basename } from 'node:path';
import { readAcquisition, type Acquisition, type AcquiredOptions } from '../raster/acquired.js';
import type { RasterSource } from '../raster/open.js';

/**
 * How far apart a mosaic's images may have been taken and still be one acquisition: the tiles of
 * one pass are seconds apart (a 20 km strip is scanned in about 3 s), while another pass comes
 * minutes to days later, with every moving vehicle somewhere else.
 */
export const MOSAIC_TIME_WINDOW_MS = 60_000;

/** One image of a mosaic and when it was taken (null: no source says). */
export interface PartTime {
  path: string;
  acquired: string | null;
}

function span(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.round((s % 86_400) / 3600)} h`;
}

/**
 * The warning for a mosaic whose images were taken more than `window_ms` apart, naming the images
 * at each time (and those with none); null when they agree or fewer than two say when.
 *
 * @example mosaicTimeWarning('a.tif,b.tif', [{ path: 'a.tif', acquired: '2026-03-14T09:30:00Z' }, { path: 'b.tif', acquired: '2026-03-15T09:30:00Z' }])
 */
export function mosaicTimeWarning(label: string, parts: readonly PartTime[], window_ms = MOSAIC_TIME_WINDOW_MS): string | null {
  const dated = parts.filter((p) => p.acquired !== null);
  const times = dated.map((p) => Date.parse(p.acquired!));
  const spread = times.length < 2 ? 0 : Math.max(...times) - Math.min(...times);
  if (spread <= window_ms) return null;
  const byTime = new Map<string, string[]>();
  for (const p of [...dated].sort((a, b) => Date.parse(a.acquired!) - Date.parse(b.acquired!))) {
    byTime.set(p.acquired!, [...(byTime.get(p.acquired!) ?? []), basename(p.path)]);
  }
  const undated = parts.filter((p) => p.acquired === null).map((p) => basename(p.path));
  const listed = [...byTime].map(([t, names]) => `${names.join(', ')} at ${t}`);
  if (undated.length > 0) listed.push(`${undated.join(', ')} at an unknown time`);
  return `${label}: the mosaic's images were taken up to ${span(spread)} apart (${listed.join('; ')}); vehicles moved in between, so counts and queues across their seams may be wrong`;
}

/**
 * When the image, or a mosaic's first image, was taken, with the warnings that go with it: no time
 * in the file name under --date-from-name, and a mosaic's images taken at different times.
 */
export async function sourceAcquisition(source: RasterSource, opts: AcquiredOptions | undefined): Promise<{ acquisition: Acquisition; warnings: string[] }> {
  const parts = source.parts;
  const dated = parts?.[0]?.path ?? source.info.path;
  const acquisition = await readAcquisition(dated, opts, parts ? undefined : source.readTimeTags && (() => source.readTimeTags!()));
  const warnings: string[] = [];
  if (opts?.dateFromName && acquisition.acquired_from !== 'file-name') {
    warnings.push(`${dated}: no time matching --date-from-name '${opts.dateFromName}' in the file name; acquired ${acquisition.acquired ? `from ${acquisition.acquired_from}` : 'unknown'}`);
  }
  // --date gives every image the same time: nothing to compare.
  if (parts && parts.length > 1 && opts?.date === undefined) {
    const rest = await Promise.all(parts.slice(1).map(async (p) => ({ path: p.path, acquired: (await readAcquisition(p.path, opts)).acquired })));
    const differ = mosaicTimeWarning(source.info.path, [{ path: dated, acquired: acquisition.acquired }, ...rest]);
    if (differ) warnings.push(differ);
  }
  return { acquisition, warnings };
}
