import { readFile } from 'node:fs/promises';
import { SatcountError } from '../types.js';
import { resolveCrs, wgs84 } from './crs.js';
import type { RoadCrs, RoadFileSettings, RoadInput } from './types.js';

export interface ParseRoadOptions {
  /** 'pixel', an EPSG code ('EPSG:32638', 'urn:ogc:def:crs:EPSG::32638') or a proj4 string; wins over the file's own CRS. */
  roadCrs?: string;
  /** Keep only features whose OSM `name` (or a `name:*` variant) is this, case and spacing aside. */
  name?: string;
  /** Keep only features whose OSM `ref` (one of its `;`-separated values) is this, case and spacing aside. */
  ref?: string;
}

/**
 * Parses a road GeoJSON: a LineString or MultiLineString as a bare geometry, a Feature or a
 * FeatureCollection of them (parts kept in file order). Coordinates are WGS84 lon/lat per
 * RFC 7946 unless `opts.roadCrs` or the file's legacy `crs` member says otherwise.
 * Every problem throws SatcountError (exit 2) naming the file.
 *
 * @example parseRoad('{"type":"LineString","coordinates":[[44.5,40.1],[44.51,40.1]]}', 'road.geojson', {})
 */
export function parseRoad(text: string, file: string, opts: ParseRoadOptions = {}): RoadInput {
  const fail = (problem: string): never => {
    throw new SatcountError(`road ${file}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  const crs = geojsonCrs(json, opts.roadCrs, '--road-crs', fail);
  const found = lineParts(json, fail, {});
  if (found.length === 0) fail('no LineString or MultiLineString found');
  const labelsOf = (lines: typeof found) => [...new Set(lines.map(({ props }) => roadLabel(props)).filter((l): l is string => l !== null))];
  const kept = found.filter(({ props }) => matches(props, opts));
  const rawParts = kept.map(({ coords }) => coords);
  if (rawParts.length === 0) {
    const labels = labelsOf(found);
    const asked = [opts.name !== undefined ? `name "${opts.name}"` : '', opts.ref !== undefined ? `ref "${opts.ref}"` : ''].filter(Boolean).join(' and ');
    fail(`no line has ${asked}; roads in the file: ${labels.length > 0 ? labels.slice(0, 8).join(', ') : 'none named'}`);
  }
  const parts = rawParts.map((coords, i) => cleanPart(coords, rawParts.length > 1 ? `line part ${i + 1}` : 'the line', fail));
  return { file, crs, parts, labels: labelsOf(kept), settings: fileSettings(json, fail) };
}

/** Reads and parses a road file; an unreadable file is SatcountError exit 2. */
export async function loadRoad(file: string, opts: ParseRoadOptions = {}): Promise<RoadInput> {
  return parseRoad(await readText(file, 'road'), file, opts);
}

/** A text file the user named; unreadable is SatcountError exit 2 (`<what> <file>: cannot read (...)`). */
export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message);
    throw new SatcountError(`${what} ${file}: cannot read (${why})`);
  }
}

export type Fail = (problem: string) => never;

/** The CRS of a GeoJSON file: `override` (a --*-crs flag) wins over the file's legacy `crs` member; WGS84 by default. */
export function geojsonCrs(json: unknown, override: string | undefined, flag: string, fail: Fail): RoadCrs {
  return override !== undefined ? namedCrs(override, flag, fail) : fileCrs(json, fail);
}

const SETTINGS = [
  { property: 'drive_side', key: 'driveSide', values: ['right', 'left'] },
  { property: 'queue_head', key: 'queueHead', values: ['start', 'end'] },
] as const;

/** `drive_side` and `queue_head` from the properties of the file's features; features that disagree are an error. */
function fileSettings(json: unknown, fail: Fail): RoadFileSettings {
  const features = isObject(json) && json.type === 'FeatureCollection' && Array.isArray(json.features) ? json.features : [json];
  const out: Record<string, string> = {};
  for (const feature of features) {
    const props = isObject(feature) && isObject(feature.properties) ? feature.properties : {};
    for (const { property, key, values } of SETTINGS) {
      const v = props[property];
      if (v === undefined || v === null) continue;
      if (!(values as readonly unknown[]).includes(v)) fail(`property ${property} must be ${values.join(' or ')}, got ${preview(v)}`);
      if (out[key] !== undefined && out[key] !== v) fail(`features disagree on ${property} (${out[key]} and ${String(v)})`);
      out[key] = v as string;
    }
  }
  return out as RoadFileSettings;
}

function namedCrs(name: string, where: string, fail: Fail): RoadCrs {
  return resolveCrs(name) ?? fail(`unknown CRS "${name}" (from ${where}); use EPSG:<code>, a proj4 string or 'pixel'`);
}

/** The legacy (GeoJSON 2008) `crs` member: `{ type: 'name', properties: { name } }` or `{ type: 'EPSG', properties: { code } }`. */
function fileCrs(json: unknown, fail: Fail): RoadCrs {
  if (!isObject(json) || json.crs === undefined || json.crs === null) return wgs84();
  const crs = json.crs;
  const props = isObject(crs) && isObject(crs.properties) ? crs.properties : null;
  if (props && typeof props.name === 'string') return namedCrs(props.name, 'the file', fail);
  if (props && (typeof props.code === 'number' || typeof props.code === 'string')) {
    return namedCrs(`EPSG:${props.code}`, 'the file', fail);
  }
  return fail('unrecognised "crs" member; expected { "type": "name", "properties": { "name": "EPSG:<code>" } }');
}

/** FeatureCollection → Feature → geometry is 2 deep; collections nested inside collections (not GeoJSON, but tolerated) stop here, before the stack does. */
const MAX_NESTING = 8;

type Props = Record<string, unknown>;

function lineParts(json: unknown, fail: Fail, props: Props, depth = 0): { coords: unknown[]; props: Props }[] {
  if (!isObject(json)) return fail('expected a GeoJSON object');
  if (depth > MAX_NESTING) return fail(`objects nested more than ${MAX_NESTING} deep`);
  switch (json.type) {
    case 'FeatureCollection':
      if (!Array.isArray(json.features)) return fail('FeatureCollection without a "features" array');
      return json.features.flatMap((feature) => lineParts(feature, fail, props, depth + 1));
    case 'Feature':
      if (!isObject(json.geometry)) return fail('Feature without a geometry');
      return lineParts(json.geometry, fail, isObject(json.properties) ? json.properties : {}, depth + 1);
    case 'LineString':
      return [{ coords: asArray(json.coordinates, fail), props }];
    case 'MultiLineString':
      return asArray(json.coordinates, fail).map((part) => ({ coords: asArray(part, fail), props }));
    default:
      return fail(`expected LineString or MultiLineString, found ${String(json.type)}`);
  }
}

const norm = (v: string) => v.replace(/\s+/g, '').toLowerCase();

/** `--road-name` matches `name` or any `name:<lang>`; `--road-ref` matches one of `ref`'s `;`-separated values (OSM "E 60;M 1"). */
function matches(props: Props, opts: ParseRoadOptions): boolean {
  if (opts.name !== undefined) {
    const names = Object.entries(props).filter(([k, v]) => (k === 'name' || k.startsWith('name:')) && typeof v === 'string');
    if (!names.some(([, v]) => norm(v as string) === norm(opts.name as string))) return false;
  }
  if (opts.ref !== undefined) {
    const refs = typeof props.ref === 'string' ? props.ref.split(';') : typeof props.ref === 'number' ? [String(props.ref)] : [];
    if (!refs.some((r) => norm(r) === norm(opts.ref as string))) return false;
  }
  return true;
}

/** How a road is named in messages: "name (ref)", the name or the ref alone, or null. */
function roadLabel(props: Props): string | null {
  const name = typeof props.name === 'string' ? props.name : null;
  const ref = typeof props.ref === 'string' || typeof props.ref === 'number' ? String(props.ref) : null;
  if (name && ref) return `"${name}" (ref ${ref})`;
  return name ? `"${name}"` : ref ? `ref ${ref}` : null;
}

/** Checks the numbers and drops consecutive duplicate vertices (zero-length segments carry no direction). */
function cleanPart(coords: unknown[], label: string, fail: Fail): [number, number][] {
  const out: [number, number][] = [];
  for (const c of coords) {
    if (!Array.isArray(c) || c.length < 2 || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) {
      fail(`${label} has a coordinate that is not a pair of finite numbers: ${preview(c)}`);
    }
    const p: [number, number] = [c[0] as number, c[1] as number];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length < 2) fail(`${label} has ${out.length === 0 ? 'no vertices' : 'a single distinct vertex'}; a road needs at least two`);
  return out;
}

/** A value as JSON for a one-line message: cut short, and safe for values nested too deep to stringify. */
function preview(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    return 'a value nested too deeply to show';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown, fail: Fail): unknown[] {
  return Array.isArray(v) ? v : fail('"coordinates" is not an array');
}
