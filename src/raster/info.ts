import type { RasterInfo } from '../types.js';

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
}

export function publicInfo(info: RasterInfo): PublicInfo {
  const { width, height, bands, dtype, crs, gsd_m, georeferenced, nodata, tiled, overviews } = info;
  return { width, height, bands, dtype, crs, gsd_m, georeferenced, nodata, tiled, overviews };
}
