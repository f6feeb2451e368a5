import type { GeoTransform, Georef } from '../../types.js';

const WGS84_A = 6_378_137;
const WGS84_E2 = 0.00669437999014;

/** Metres per degree of latitude and of longitude on the WGS84 ellipsoid at latitude `lat`. */
export function metresPerDegree(lat: number): { lat: number; lon: number } {
  const phi = (lat * Math.PI) / 180;
  const s = Math.sin(phi);
  const w = Math.sqrt(1 - WGS84_E2 * s * s);
  const meridional = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
  const normal = WGS84_A / w;
  return { lat: (meridional * Math.PI) / 180, lon: (normal * Math.cos(phi) * Math.PI) / 180 };
}

/**
 * Ground size of one pixel in metres at the image centre (mean of the column and row steps).
 * Measured through WGS84, so it is right for degrees and for projections whose grid units are
 * not ground metres (EPSG:3857 away from the equator).
 */
export function groundGsd(georef: Georef, width: number, height: number): number {
  const cx = width / 2;
  const cy = height / 2;
  const centre = georef.crsToLonLat(georef.pixelToCrs([cx, cy]));
  const m = metresPerDegree(centre[1]);
  const step = (dx: number, dy: number) => {
    const a = georef.crsToLonLat(georef.pixelToCrs([cx - dx / 2, cy - dy / 2]));
    const b = georef.crsToLonLat(georef.pixelToCrs([cx + dx / 2, cy + dy / 2]));
    let dLon = b[0] - a[0];
    if (dLon > 180) dLon -= 360;
    if (dLon < -180) dLon += 360;
    return Math.hypot(dLon * m.lon, (b[1] - a[1]) * m.lat);
  };
  return (step(1, 0) + step(0, 1)) / 2;
}

/** Grid size of one pixel (mean of column and row steps) times the CRS unit in metres. */
export function gridGsd(gt: GeoTransform, unitToMetre: number): number {
  return ((Math.hypot(gt[1], gt[4]) + Math.hypot(gt[2], gt[5])) / 2) * unitToMetre;
}

/** Metres per CRS unit read from a proj4 definition (+units / +to_meter); null for degrees. */
export function proj4UnitToMetre(def: string): number | null {
  if (/\+proj=longlat\b/.test(def)) return null;
  const toMeter = /\+to_meter=([0-9.eE+-]+)/.exec(def);
  if (toMeter) return Number(toMeter[1]);
  const units = /\+units=([\w-]+)/.exec(def)?.[1] ?? 'm';
  const table: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, 'us-ft': 1200 / 3937 };
  return table[units] ?? null;
}
