import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface EpsgCrs {
  code: number;
  name: string;
  proj4: string;
  geographic: boolean;
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
      found = {
        code,
        name: entry.name,
        proj4: entry.proj4.replace(/\s*\+type=crs\b/, ''),
        geographic: entry.kind === 'CRS-GEOGCRS' || /\+proj=longlat\b/.test(entry.proj4),
      };
    }
  } catch {
    found = null;
  }
  cache.set(code, found);
  return found;
}
