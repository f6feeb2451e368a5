import type { Georef, LonLat, RasterInfo } from '../types.js';

/** What `satcount info --json` prints; the same meanings as `image` in the result JSON. */
export interface PublicInfo {
  width: number;
  height: number;
  bands: number;
  dtype: RasterInfo['dtype'];
  crs: string | null;
  gsd_m: number | null;
  georeferenced: boolean;
  nodata: number | null;
  tiled: boolean;
  overviews: number;
  /** WGS84 corners: upper left, lower left, lower right, upper right (as gdalinfo lists them); null without georeferencing. */
  footprint_lonlat: LonLat[] | null;
}

const round8 = (v: number) => Math.round(v * 1e8) / 1e8;

/** The image's outer corners in WGS84, counter-clockwise from the upper left (RFC 7946 ring order). */
export function footprint(info: Pick<RasterInfo, 'width' | 'height'>, georef: Georef | null): LonLat[] | null {
  if (!georef) return null;
  const { width: w, height: h } = info;
  const corners: [number, number][] = [[0, 0], [0, h], [w, h], [w, 0]];
  return corners.map((p) => georef.crsToLonLat(georef.pixelToCrs(p)).map(round8) as LonLat);
}

export function publicInfo(info: RasterInfo, georef: Georef | null = null): PublicInfo {
  const { width, height, bands, dtype, crs, gsd_m, georeferenced, nodata, tiled, overviews } = info;
  return { width, height, bands, dtype, crs, gsd_m, georeferenced, nodata, tiled, overviews, footprint_lonlat: footprint(info, georef) };
}

/** The footprint as an RFC 7946 GeoJSON Feature (a closed Polygon ring), for drawing a road over it. */
export function footprintGeoJson(path: string, corners: LonLat[]): string {
  const feature = { type: 'Feature', properties: { image: path }, geometry: { type: 'Polygon', coordinates: [[...corners, corners[0]]] } };
  return JSON.stringify({ type: 'FeatureCollection', features: [feature] }, null, 2) + '\n';
}
