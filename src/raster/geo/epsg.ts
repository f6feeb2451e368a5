import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface EpsgCrs {
  code: number;
  name: string;
  proj4: string;
  geographic: boolean;
  /** Datum grid files the EPSG definition names and satcount does not ship (dropped from `proj4`). */
  droppedGrids: string[];
}

interface EpsgIndexEntry {
  code: string;
  kind: string;
  name: string;
  proj4: string | null;
}

const require = createRequire(import.meta.url);
const cache = new Map<number, EpsgCrs | null>();

/**
 * Looks a CRS up in the epsg-index package (one small JSON file per code, so the 8 MB index is
 * never parsed). Returns null when the code is unknown or has no proj4 definition.
 */
export function lookupEpsg(code: number): EpsgCrs | null {
  if (cache.has(code)) return cache.get(code) ?? null;
  let found: EpsgCrs | null = null;
  try {
    const file = require.resolve(`epsg-index/s/${code}.json`);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as EpsgIndexEntry;
    if (entry.proj4) {
      const { def, grids } = withoutGridShift(entry.proj4.replace(/\s*\+type=crs\b/, ''));
      found = {
        code,
        name: entry.name,
        proj4: def,
        geographic: entry.kind === 'CRS-GEOGCRS' || /\+proj=longlat\b/.test(entry.proj4),
        droppedGrids: grids,
      };
    }
  } catch {
    found = null;
  }
  cache.set(code, found);
  return found;
}

/**
 * Drops `+nadgrids=` grid files (NAD27's NTv2_0.gsb, …) from a proj4 definition. satcount ships no
 * grids, and proj4 without its mandatory grid fails every transform and prints the failure on
 * stdout. Without the grid the datum falls back to its ellipsoid: WGS84 positions move by up to
 * ~100 m, pixel sizes not at all. `@null` (no shift) is kept.
 */
export function withoutGridShift(def: string): { def: string; grids: string[] } {
  const match = /\s*\+nadgrids=(\S+)/.exec(def);
  if (!match || match[1] === '@null') return { def, grids: [] };
  const grids = match[1].split(',').map((g) => g.replace(/^@/, '')).filter((g) => g !== 'null');
  return { def: def.replace(match[0], ''), grids };
}
