import { lookupEpsg } from './epsg.js';

/** The GeoKeys satcount reads (names as geotiff's parseGeoKeyDirectory returns them). */
export type GeoKeys = Partial<Record<string, unknown>>;

export interface ImageCrs {
  /** e.g. "EPSG:32638"; null for a user-defined CRS. */
  epsg: string | null;
  proj4: string;
  geographic: boolean;
  /** False for bodies other than Earth (e.g. Mars): coordinates cannot be turned into WGS84. */
  earth: boolean;
  /** Human-readable name for notes and errors. */
  name: string;
  /** Datum grids its definition names that satcount lacks: WGS84 positions are approximate (epsg.ts). */
  droppedGrids: string[];
}

/** A CRS that could not be understood; `reason` completes "… has <reason>". */
export interface CrsProblem {
  reason: string;
}

const USER_DEFINED = 32767;
const EARTH_SEMI_MAJOR = 6_378_137;

/** GeoTIFF linear unit codes (EPSG unit codes) → metres. */
const LINEAR_UNITS: Record<number, number> = {
  9001: 1,
  9002: 0.3048,
  9003: 1200 / 3937,
  9036: 1000,
};

function num(keys: GeoKeys, name: string): number | undefined {
  const v = keys[name];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const first = (v as ArrayLike<number>)[0];
    return typeof first === 'number' ? first : undefined;
  }
  return undefined;
}

/** Ellipsoid or datum part of a proj4 string, from the geographic GeoKeys. */
function datumParams(keys: GeoKeys): { params: string; semiMajor: number; droppedGrids: string[] } | CrsProblem {
  const geog = num(keys, 'GeographicTypeGeoKey');
  if (geog !== undefined && geog !== USER_DEFINED) {
    const base = lookupEpsg(geog);
    if (!base) return { reason: `an unknown geographic CRS EPSG:${geog}` };
    const params = base.proj4
      .split(/\s+/)
      .filter((p) => /^\+(datum|ellps|a|b|rf|R|towgs84|nadgrids|pm)=/.test(p))
      .join(' ');
    return { params, semiMajor: num(keys, 'GeogSemiMajorAxisGeoKey') ?? EARTH_SEMI_MAJOR, droppedGrids: base.droppedGrids };
  }
  const a = num(keys, 'GeogSemiMajorAxisGeoKey');
  if (a === undefined) return { params: '+datum=WGS84', semiMajor: EARTH_SEMI_MAJOR, droppedGrids: [] };
  const b = num(keys, 'GeogSemiMinorAxisGeoKey');
  const rf = num(keys, 'GeogInvFlatteningGeoKey');
  if (rf !== undefined && rf > 0) return { params: `+a=${a} +rf=${rf}`, semiMajor: a, droppedGrids: [] };
  return { params: `+a=${a} +b=${b ?? a}`, semiMajor: a, droppedGrids: [] };
}

function isProblem<T extends object>(v: T | CrsProblem): v is CrsProblem {
  return 'reason' in v;
}

/** proj4 projection parameters for a user-defined projected CRS (ProjCoordTransGeoKey). */
function projectionParams(keys: GeoKeys): string | CrsProblem {
  const t = num(keys, 'ProjCoordTransGeoKey');
  const k = (name: string, fallback = 0) => num(keys, name) ?? fallback;
  const lon0 = k('ProjNatOriginLongGeoKey', k('ProjCenterLongGeoKey', k('ProjFalseOriginLongGeoKey')));
  const lat0 = k('ProjNatOriginLatGeoKey', k('ProjCenterLatGeoKey', k('ProjFalseOriginLatGeoKey')));
  const x0 = k('ProjFalseEastingGeoKey', k('ProjFalseOriginEastingGeoKey', k('ProjCenterEastingGeoKey')));
  const y0 = k('ProjFalseNorthingGeoKey', k('ProjFalseOriginNorthingGeoKey', k('ProjCenterNorthingGeoKey')));
  const scale = k('ProjScaleAtNatOriginGeoKey', k('ProjScaleAtCenterGeoKey', 1));
  const lat1 = k('ProjStdParallel1GeoKey');
  const lat2 = k('ProjStdParallel2GeoKey');
  const offsets = `+x_0=${x0} +y_0=${y0}`;
  switch (t) {
    case 1: // Transverse Mercator
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${scale} ${offsets}`;
    case 7: // Mercator
      return num(keys, 'ProjStdParallel1GeoKey') !== undefined
        ? `+proj=merc +lat_ts=${lat1} +lon_0=${lon0} ${offsets}`
        : `+proj=merc +lon_0=${lon0} +k=${scale} ${offsets}`;
    case 8: // Lambert conformal conic, 2 standard parallels
      return `+proj=lcc +lat_1=${lat1} +lat_2=${lat2} +lat_0=${lat0} +lon_0=${lon0} ${offsets}`;
    case 9: // Lambert conformal conic, 1 standard parallel
      return `+proj=lcc +lat_1=${lat0} +lat_0=${lat0} +lon_0=${lon0} +k_0=${scale} ${offsets}`;
    case 11: // Albers equal area
      return `+proj=aea +lat_1=${lat1} +lat_2=${lat2} +lat_0=${lat0} +lon_0=${lon0} ${offsets}`;
    case 12: // Azimuthal equidistant
      return `+proj=aeqd +lat_0=${lat0} +lon_0=${lon0} ${offsets}`;
    case 10: // Lambert azimuthal equal area
      return `+proj=laea +lat_0=${lat0} +lon_0=${lon0} ${offsets}`;
    case 14: // Stereographic
      return `+proj=stere +lat_0=${lat0} +lon_0=${lon0} +k=${scale} ${offsets}`;
    case 15: // Polar stereographic
      return `+proj=stere +lat_0=${lat0 >= 0 ? 90 : -90} +lat_ts=${lat0} +lon_0=${k('ProjStraightVertPoleLongGeoKey', lon0)} +k=${scale} ${offsets}`;
    case 16: // Oblique stereographic
      return `+proj=sterea +lat_0=${lat0} +lon_0=${lon0} +k=${scale} ${offsets}`;
    case 17: // Equirectangular
      return `+proj=eqc +lat_ts=${lat1} +lat_0=${lat0} +lon_0=${lon0} ${offsets}`;
    case 27: // Transverse Mercator, south oriented
      return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${scale} ${offsets} +axis=wsu`;
    default:
      return { reason: `a user-defined projection (ProjCoordTransGeoKey ${t ?? 'missing'}) that satcount cannot convert` };
  }
}

/**
 * Reads the image CRS from its GeoKeys: EPSG codes from ProjectedCSTypeGeoKey or
 * GeographicTypeGeoKey, user-defined CRSs rebuilt as proj4 strings. Null when there are no keys.
 */
export function crsFromGeoKeys(keys: GeoKeys | null): ImageCrs | CrsProblem | null {
  if (!keys) return null;
  const model = num(keys, 'GTModelTypeGeoKey');
  const projected = num(keys, 'ProjectedCSTypeGeoKey');
  const geographic = num(keys, 'GeographicTypeGeoKey');
  if (model === 3) return { reason: 'a geocentric CRS, which is not a map projection' };
  if (model === 1 || (model === undefined && projected !== undefined)) {
    if (projected !== undefined && projected !== USER_DEFINED) {
      const crs = lookupEpsg(projected);
      if (!crs) return { reason: `an unknown projected CRS EPSG:${projected}` };
      return { epsg: `EPSG:${projected}`, proj4: crs.proj4, geographic: false, earth: true, name: crs.name, droppedGrids: crs.droppedGrids };
    }
    const datum = datumParams(keys);
    if (isProblem(datum)) return datum;
    const proj = projectionParams(keys);
    if (typeof proj !== 'string') return proj;
    const unitCode = num(keys, 'ProjLinearUnitsGeoKey') ?? 9001;
    const toMetre = num(keys, 'ProjLinearUnitSizeGeoKey') ?? LINEAR_UNITS[unitCode];
    if (toMetre === undefined) return { reason: `an unknown linear unit (code ${unitCode})` };
    const citation = typeof keys.GTCitationGeoKey === 'string' ? keys.GTCitationGeoKey : 'user-defined CRS';
    return {
      epsg: null,
      proj4: `${proj} ${datum.params} ${toMetre === 1 ? '+units=m' : `+to_meter=${toMetre}`} +no_defs`,
      geographic: false,
      earth: Math.abs(datum.semiMajor - EARTH_SEMI_MAJOR) < 50_000,
      name: citation,
      droppedGrids: datum.droppedGrids,
    };
  }
  if (model === 2 || geographic !== undefined) {
    if (geographic !== undefined && geographic !== USER_DEFINED) {
      const crs = lookupEpsg(geographic);
      if (!crs) return { reason: `an unknown geographic CRS EPSG:${geographic}` };
      return { epsg: `EPSG:${geographic}`, proj4: crs.proj4, geographic: true, earth: true, name: crs.name, droppedGrids: crs.droppedGrids };
    }
    const datum = datumParams(keys);
    if (isProblem(datum)) return datum;
    return {
      epsg: null,
      proj4: `+proj=longlat ${datum.params} +no_defs`,
      geographic: true,
      earth: Math.abs(datum.semiMajor - EARTH_SEMI_MAJOR) < 50_000,
      name: typeof keys.GeogCitationGeoKey === 'string' ? keys.GeogCitationGeoKey : 'user-defined geographic CRS',
      droppedGrids: datum.droppedGrids,
    };
  }
  return null;
}

export function isCrsProblem(v: ImageCrs | CrsProblem | null): v is CrsProblem {
  return v !== null && 'reason' in v;
}
