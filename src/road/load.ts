import { readFile } from 'node:fs/promises';
import { SatcountError } from '../types.js';
import { resolveCrs, wgs84 } from './crs.js';
import type { RoadCrs, RoadFileSettings, RoadInput } from './types.js';

export interface ParseRoadOptions {
  /** 'pixel', an EPSG code ('EPSG:32638', 'urn:ogc:def:crs:EPSG::32638') or a proj4 string; wins over the file's own CRS. */
  roadCrs?: string;
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
  const crs = opts.roadCrs !== undefined ? namedCrs(opts.roadCrs, '--road-crs', fail) : fileCrs(json, fail);
  const rawParts = lineParts(json, fail);
  if (rawParts.length === 0) fail('no LineString or MultiLineString found');
  const parts = rawParts.map((coords, i) => cleanPart(coords, rawParts.length > 1 ? `line part ${i + 1}` : 'the line', fail));
  return { file, crs, parts, settings: fileSettings(json, fail) };
}

/** Reads and parses a road file; an unreadable file is SatcountError exit 2. */
export async function loadRoad(file: string, opts: ParseRoadOptions = {}): Promise<RoadInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? (err as Error).message);
    throw new SatcountError(`road ${file}: cannot read (${why})`);
  }
  return parseRoad(text, file, opts);
}

type Fail = (problem: string) => never;

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

function lineParts(json: unknown, fail: Fail, depth = 0): unknown[][] {
  if (!isObject(json)) return fail('expected a GeoJSON object');
  if (depth > MAX_NESTING) return fail(`objects nested more than ${MAX_NESTING} deep`);
  switch (json.type) {
    case 'FeatureCollection':
      if (!Array.isArray(json.features)) return fail('FeatureCollection without a "features" array');
      return json.features.flatMap((feature) => lineParts(feature, fail, depth + 1));
    case 'Feature':
      if (!isObject(json.geometry)) return fail('Feature without a geometry');
      return lineParts(json.geometry, fail, depth + 1);
    case 'LineString':
      return [asArray(json.coordinates, fail)];
    case 'MultiLineString':
      return asArray(json.coordinates, fail).map((part) => asArray(part, fail));
    default:
      return fail(`expected LineString or MultiLineString, found ${String(json.type)}`);
  }
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: unknown, fail: Fail): unknown[] {
  return Array.isArray(v) ? v : fail('"coordinates" is not an array');
}
