/** The road stage's options and defaults, apart from the stage itself so the CLI can show them without loading it. */

export interface RoadRunOptions {
  /** Road GeoJSON file. */
  path: string;
  /** CRS of the road file when it says none: "pixel", "EPSG:n" or a proj4 string. */
  crs?: string;
  /** Keep only the road file's lines with this OSM name / ref. */
  name?: string;
  ref?: string;
  /** GeoJSON of road the image cannot show (tunnels, galleries, canopy): polygons or start_m/end_m ranges. */
  occluded?: string;
  corridor_m: number;
  /** Undefined: the road file's `drive_side`, else ROAD_DEFAULTS. */
  driveSide?: 'right' | 'left';
  maxGap_m: number;
  /** Undefined: the road file's `queue_head`, else ROAD_DEFAULTS. */
  queueHead?: 'start' | 'end';
  profileBin_m: number;
}

/** Road options with drive side and queue head settled (flag, else road file, else default). */
export type ResolvedRoadOptions = RoadRunOptions & Required<Pick<RoadRunOptions, 'driveSide' | 'queueHead'>>;

/** Road settings when the user gives none: the CLI's defaults and the library's. */
export const ROAD_DEFAULTS = {
  corridor_m: 15,
  driveSide: 'right',
  maxGap_m: 25,
  queueHead: 'end',
  profileBin_m: 100,
} as const satisfies Omit<ResolvedRoadOptions, 'path' | 'crs' | 'name' | 'ref' | 'occluded'>;
