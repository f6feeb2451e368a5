import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { GeoTIFFImage } from 'geotiff';
import { SatcountError } from '../types.js';

/**
 * When an image was taken, and where satcount learnt it. Sources, first found wins:
 * `flag` (--date), `file-name` (--date-from-name), `gdal-metadata` (ACQUISITIONDATETIME in GDAL's
 * metadata), `imd` (a Maxar/DigitalGlobe .IMD sidecar's firstLineTime), `xml` (the same vendors'
 * .XML sidecar, FIRSTLINETIME), `tiff-datetime` (the TIFF DateTime tag, or GDAL's
 * TIFFTAG_DATETIME). The TIFF tag comes last because writers often stamp it with the time the
 * file was made, not the time the picture was taken; vendor sidecars say the latter.
 */
export type AcquiredFrom = 'flag' | 'file-name' | 'gdal-metadata' | 'imd' | 'xml' | 'tiff-datetime';

export interface Acquisition {
  /** ISO 8601 UTC, e.g. "2026-03-14T09:30:00Z"; null when no source says. */
  acquired: string | null;
  acquired_from: AcquiredFrom | null;
}

export interface AcquiredOptions {
  /** --date: the acquisition time for every image, ISO 8601 (a date alone is midnight UTC). */
  date?: string;
  /** --date-from-name: a strftime-like pattern found in the file name, e.g. '%Y%m%d'. */
  dateFromName?: string;
}

const NONE: Acquisition = { acquired: null, acquired_from: null };

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/**
 * An ISO 8601 date or date-time as UTC ISO text, or null when it is not one. A time without a zone
 * is read as UTC, the convention of satellite metadata.
 */
export function parseIsoTime(text: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const z = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = frac ? `.${frac.slice(1, 4).padEnd(3, '0')}` : '';
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${z}`);
  if (Number.isNaN(date.getTime())) return null;
  // Date rolls 2026-02-30 over into March; a calendar date that does not exist is no date.
  const local = zone.toUpperCase() === 'Z' ? date : new Date(`${y}-${mo}-${d}T00:00:00Z`);
  if (local.getUTCMonth() + 1 !== Number(mo) || local.getUTCDate() !== Number(d)) return null;
  return iso(date);
}

/** The TIFF DateTime tag's "YYYY:MM:DD HH:MM:SS" (no zone: read as UTC), or null. */
export function parseTiffDateTime(text: string): string | null {
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text.trim());
  return m ? parseIsoTime(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : parseIsoTime(text);
}

/** The flag's value as UTC ISO text; a one-line SatcountError when it is not a date. */
export function parseDateFlag(text: string): string {
  const t = parseIsoTime(text);
  if (!t) throw new SatcountError(`--date: expected an ISO 8601 date or time such as 2026-03-14 or 2026-03-14T09:30:00Z, got '${text}'`);
  return t;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const FIELDS: Record<string, { re: string; key: 'Y' | 'y' | 'm' | 'b' | 'd' | 'j' | 'H' | 'M' | 'S' }> = {
  Y: { re: '(\\d{4})', key: 'Y' },
  y: { re: '(\\d{2})', key: 'y' },
  m: { re: '(\\d{2})', key: 'm' },
  b: { re: `(${MONTHS.join('|')})`, key: 'b' },
  d: { re: '(\\d{2})', key: 'd' },
  j: { re: '(\\d{3})', key: 'j' },
  H: { re: '(\\d{2})', key: 'H' },
  M: { re: '(\\d{2})', key: 'M' },
  S: { re: '(\\d{2})', key: 'S' },
};

/**
 * The time a file name spells in `pattern`'s layout (%Y %y %m %b %d %j %H %M %S, %% for '%';
 * other characters match themselves), searched anywhere in the name; null when it is not there.
 * A pattern with an unknown field or no year is refused at once.
 *
 * @example timeFromName('border_20260314_0930.tif', '%Y%m%d_%H%M') // '2026-03-14T09:30:00Z'
 * @example timeFromName('19JUN10081523-P2AS_R1C1.TIF', '%y%b%d%H%M%S') // '2019-06-10T08:15:23Z'
 */
export function timeFromName(name: string, pattern: string): string | null {
  const keys: (typeof FIELDS)[string]['key'][] = [];
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch !== '%') {
      re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const f = pattern[++i];
    if (f === '%') re += '%';
    else if (f !== undefined && FIELDS[f]) {
      re += FIELDS[f].re;
      keys.push(FIELDS[f].key);
    } else throw new SatcountError(`--date-from-name: unknown field '%${f ?? ''}' in '${pattern}' (known: %Y %y %m %b %d %j %H %M %S)`);
  }
  if (!keys.includes('Y') && !keys.includes('y')) throw new SatcountError(`--date-from-name: '${pattern}' has no year (%Y or %y)`);
  const m = new RegExp(re, 'i').exec(name);
  if (!m) return null;
  const v: Partial<Record<(typeof keys)[number], string>> = {};
  keys.forEach((k, i) => (v[k] = m[i + 1]));
  const year = v.Y ? Number(v.Y) : 2000 + Number(v.y);
  let month = v.m ? Number(v.m) : v.b ? MONTHS.indexOf(v.b.toLowerCase()) + 1 : 1;
  let day = v.d ? Number(v.d) : 1;
  if (v.j) {
    const d = new Date(Date.UTC(year, 0, Number(v.j)));
    if (d.getUTCFullYear() !== year || Number(v.j) < 1) return null;
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  const p2 = (n: number | string) => String(n).padStart(2, '0');
  return parseIsoTime(`${year}-${p2(month)}-${p2(day)}T${p2(v.H ?? 0)}:${p2(v.M ?? 0)}:${p2(v.S ?? 0)}Z`);
}

/** The value of `<Item name="KEY">…</Item>` in a GDAL_METADATA tag, dataset level. */
export function gdalMetadataItem(xml: string, key: string): string | null {
  const m = new RegExp(`<Item\\s+name="${key}"(?![^>]*\\bsample=)[^>]*>([^<]*)</Item>`, 'i').exec(xml);
  return m ? m[1].trim() : null;
}

/** A Maxar/DigitalGlobe .IMD's `firstLineTime = 2019-06-10T08:15:23.123456Z;` (or earliestAcqTime). */
export function imdTime(text: string): string | null {
  for (const key of ['firstLineTime', 'earliestAcqTime']) {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*"?([^";\\s]+)"?\\s*;`, 'im').exec(text);
    const t = m && parseIsoTime(m[1]);
    if (t) return t;
  }
  return null;
}

/** The same vendors' .XML sidecar: `<FIRSTLINETIME>` (or `<EARLIESTACQTIME>`). */
export function vendorXmlTime(text: string): string | null {
  for (const tag of ['FIRSTLINETIME', 'EARLIESTACQTIME']) {
    const m = new RegExp(`<${tag}>\\s*([^<\\s]+)\\s*</${tag}>`, 'i').exec(text);
    const t = m && parseIsoTime(m[1]);
    if (t) return t;
  }
  return null;
}

/**
 * Sidecars of an image with the given extension: the same stem, or the stem without a vendor
 * tile suffix (`_R1C2`, `-R1C2`), since one .IMD describes every tile of a strip.
 */
async function sidecar(image: string, ext: string): Promise<{ path: string; text: string } | null> {
  const dir = dirname(image);
  const stem = basename(image, extname(image));
  const stems = [...new Set([stem, stem.replace(/[_-]R\d+C\d+/i, '')])];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const s of stems) {
    const name = names.find((n) => n.toLowerCase() === `${s}${ext}`.toLowerCase());
    if (name) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => null);
      if (text !== null) return { path: join(dir, name), text };
    }
  }
  return null;
}

/** The TIFF tags that can carry a time. */
export interface TimeTags {
  dateTime: string | null;
  gdalMetadata: string | null;
}

const NO_TAGS: TimeTags = { dateTime: null, gdalMetadata: null };

/** DateTime and GDAL_METADATA of a TIFF image already open (the reader's, so no second open). */
export async function timeTagsOf(image: GeoTIFFImage): Promise<TimeTags> {
  try {
    const fd = image.getFileDirectory();
    const text = async (tag: 'DateTime' | 'GDAL_METADATA') => (fd.hasTag(tag) ? String((await fd.loadValue(tag)) ?? '').replace(/\0+$/, '') : null);
    return { dateTime: await text('DateTime'), gdalMetadata: await text('GDAL_METADATA') };
  } catch {
    return NO_TAGS;
  }
}

/** The time tags of the first image of a TIFF file or URL; none for other files. */
async function tiffTimeTags(image: string): Promise<TimeTags> {
  // geotiff loads on use: the CLI's flag checks import this module at start-up.
  const { fromFile, fromUrl } = await import('geotiff');
  let tiff;
  try {
    tiff = /^https?:\/\//i.test(image) ? await fromUrl(image) : await fromFile(image);
  } catch {
    return NO_TAGS;
  }
  try {
    return await timeTagsOf(await tiff.getImage(0));
  } catch {
    return NO_TAGS;
  } finally {
    await tiff.close();
  }
}

/**
 * Finds when an image was acquired, from the sources listed at AcquiredFrom in that order.
 * A file that is not a TIFF simply has no tags; reading errors are the reader's to report.
 * `tags` reads them from an image the caller already has open (RasterSource.readTimeTags).
 *
 * @example const { acquired, acquired_from } = await readAcquisition('scene.tif', { dateFromName: '%Y%m%d' })
 */
export async function readAcquisition(image: string, opts: AcquiredOptions = {}, tags?: () => Promise<TimeTags>): Promise<Acquisition> {
  if (opts.date !== undefined) return { acquired: parseDateFlag(opts.date), acquired_from: 'flag' };
  if (opts.dateFromName !== undefined) {
    const t = timeFromName(basename(image), opts.dateFromName);
    if (t) return { acquired: t, acquired_from: 'file-name' };
  }
  const { dateTime, gdalMetadata } = tags ? await tags() : await tiffTimeTags(image);
  const gdalAcq = gdalMetadata && gdalMetadataItem(gdalMetadata, 'ACQUISITIONDATETIME');
  const fromGdal = gdalAcq ? parseIsoTime(gdalAcq) ?? parseTiffDateTime(gdalAcq) : null;
  if (fromGdal) return { acquired: fromGdal, acquired_from: 'gdal-metadata' };
  if (!/^https?:\/\//i.test(image)) {
    const imd = await sidecar(image, '.imd');
    const fromImd = imd && imdTime(imd.text);
    if (fromImd) return { acquired: fromImd, acquired_from: 'imd' };
    const xml = await sidecar(image, '.xml');
    const fromXml = xml && vendorXmlTime(xml.text);
    if (fromXml) return { acquired: fromXml, acquired_from: 'xml' };
  }
  const tagTime = dateTime ?? (gdalMetadata && gdalMetadataItem(gdalMetadata, 'TIFFTAG_DATETIME'));
  const fromTag = tagTime ? parseTiffDateTime(tagTime) : null;
  if (fromTag) return { acquired: fromTag, acquired_from: 'tiff-datetime' };
  return NONE;
}

/** "YYYY:MM:DD HH:MM:SS", the TIFF DateTime tag's form, of a UTC ISO time. */
export function tiffDateTime(isoUtc: string): string {
  return isoUtc.slice(0, 19).replace('T', ' ').replace(/^(\d{4})-(\d{2})-(\d{2})/, '$1:$2:$3');
}
