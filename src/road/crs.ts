import { proj4 } from '../packages/proj4.js';
import { lookupEpsg } from '../raster/geo/epsg.js';
import type { RoadCrs } from './types.js';

const WGS84_PROJ4 = '+proj=longlat +datum=WGS84 +no_defs';
const WGS84: RoadCrs = { kind: 'proj4', name: 'EPSG:4326', proj4: WGS84_PROJ4 };

/** Names GeoJSON files use for plain lon/lat WGS84 (RFC 7946 and the 2008 spec's CRS84). */
const CRS84_NAMES = /^(urn:ogc:def:crs:ogc:(1\.3)?:crs84|crs84|ogc:crs84|wgs84|wgs 84)$/i;

/** EPSG code in the spellings files and users write: EPSG:n, urn:ogc:def:crs:EPSG::n, opengis URIs. */
const EPSG_PATTERNS = [
  /^epsg:(\d+)$/i,
  /^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$/i,
  /^https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/[\d.]+\/(\d+)$/i,
];

/**
 * Resolves a CRS as a user or file names it — 'pixel', an EPSG code in any usual spelling,
 * a proj4 string or WKT — to a RoadCrs. Returns null when the name means nothing known.
 *
 * @example resolveCrs('urn:ogc:def:crs:EPSG::32638') // { kind: 'proj4', name: 'EPSG:32638', proj4: '+proj=utm +zone=38 …' }
 */
export function resolveCrs(name: string): RoadCrs | null {
  const trimmed = name.trim();
  if (trimmed.toLowerCase() === 'pixel') return { kind: 'pixel' };
  if (CRS84_NAMES.test(trimmed)) return WGS84;
  for (const pattern of EPSG_PATTERNS) {
    const match = pattern.exec(trimmed);
    if (match) return epsgCrs(Number(match[1]));
  }
  if (/^\+|^(PROJCS|GEOGCS|PROJCRS|GEOGCRS)\[/i.test(trimmed) && parsesAsProj4(trimmed)) {
    return { kind: 'proj4', name: trimmed, proj4: trimmed };
  }
  return null;
}

export function wgs84(): RoadCrs {
  return WGS84;
}

function epsgCrs(code: number): RoadCrs | null {
  if (code === 4326) return WGS84;
  const entry = lookupEpsg(code);
  if (!entry || !parsesAsProj4(entry.proj4)) return null;
  return { kind: 'proj4', name: `EPSG:${code}`, proj4: entry.proj4 };
}

function parsesAsProj4(def: string): boolean {
  try {
    proj4(def, WGS84_PROJ4, [0, 0]);
    return true;
  } catch {
    return false;
  }
}
