import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SatcountError } from '../types.js';
import { isUrl } from './sources/url.js';

/** The source files a VRT lists, in order (relative names are relative to the VRT, as GDAL reads them). */
export async function vrtSources(vrt: string): Promise<string[]> {
  const text = await readFile(vrt, 'utf8').catch(() => {
    throw new SatcountError(`${vrt}: cannot read the VRT`);
  });
  if (!/<VRTDataset\b/.test(text)) throw new SatcountError(`${vrt}: not a GDAL VRT (no <VRTDataset>)`);
  const names = new Set<string>();
  for (const m of text.matchAll(/<SourceFilename([^>]*)>([^<]+)<\/SourceFilename>/g)) {
    const relative = /relativeToVRT\s*=\s*"1"/.test(m[1]);
    const name = m[2].trim().replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
    names.add(relative ? resolve(dirname(vrt), name) : name);
  }
  if (names.size === 0) throw new SatcountError(`${vrt}: the VRT lists no source files`);
  for (const f of names) {
    if (!isUrl(f) && !(await stat(f).catch(() => null))) throw new SatcountError(`${vrt}: names ${f}, which does not exist`);
  }
  return [...names];
}
