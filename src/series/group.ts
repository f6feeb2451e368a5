import type { AcquiredFrom } from '../raster/acquired.js';
import { SatcountError } from '../types.js';

/** One input image and when it was taken (ISO 8601 UTC). */
export interface DatedImage {
  path: string;
  acquired: string;
  acquired_from: AcquiredFrom;
}

/** Images taken together (one pass of the satellite): counted as one scene. */
export interface AcquisitionGroup {
  /** The earliest image time in the group, ISO 8601 UTC. */
  acquired: string;
  images: DatedImage[];
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "10m", "2h", "1d" (or a bare number of seconds) as milliseconds. */
export function parseWindow(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhd]?)$/i.exec(text.trim());
  if (!m) throw new SatcountError(`--group-window: expected a duration such as 30s, 10m or 2h, got '${text}'`);
  return Number(m[1]) * UNITS[(m[2] || 's').toLowerCase()];
}

/**
 * Groups images into acquisitions, in time order: an image joins the current acquisition when it
 * was taken within `window_ms` of that acquisition's first image (0: the same instant), so tiles of
 * one pass stay together while passes hours or days apart do not. Within a group, images keep
 * their path order, so the grouping does not depend on the order the inputs were given in.
 *
 * @example groupAcquisitions(images, parseWindow('10m'))
 */
export function groupAcquisitions(images: readonly DatedImage[], window_ms = 0): AcquisitionGroup[] {
  const sorted = [...images].sort((a, b) => Date.parse(a.acquired) - Date.parse(b.acquired) || a.path.localeCompare(b.path));
  const groups: AcquisitionGroup[] = [];
  for (const img of sorted) {
    const last = groups.at(-1);
    if (last && Date.parse(img.acquired) - Date.parse(last.acquired) <= window_ms) last.images.push(img);
    else groups.push({ acquired: img.acquired, images: [img] });
  }
  for (const g of groups) g.images.sort((a, b) => a.path.localeCompare(b.path));
  return groups;
}

/** A file-name-safe stem for an acquisition's own files: 2026-03-14T09:30:00Z → 20260314T093000Z. */
export function acquisitionStem(acquired: string): string {
  return acquired.replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}
