import type { LayoutName } from './detect/layout-names.js';

/**
 * Types at the seams between pipeline stages. Every coordinate type names its space, so a pixel
 * can never be passed where metres or degrees are meant:
 * - `Pixel*`: full-resolution pixel coordinates of the input image, origin at the top-left corner
 *   of the top-left pixel, x to the right, y down.
 * - `Crs*`: coordinates in the image's own CRS (e.g. UTM metres, or degrees for EPSG:4326).
 * - `LonLat`: WGS84 longitude, latitude (RFC 7946 order).
 * - `Model*`: pixels of a tile after resampling to the model's ground sample distance.
 */

export type PixelPoint = [x: number, y: number];
/** [x1, y1, x2, y2] with x1 < x2, y1 < y2. */
export type PixelBox = [x1: number, y1: number, x2: number, y2: number];
export type CrsPoint = [x: number, y: number];
export type LonLat = [lon: number, lat: number];
export type ModelBox = [x1: number, y1: number, x2: number, y2: number];

/** A rectangle of full-resolution image pixels. */
export interface PixelWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type SampleType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

/**
 * GDAL-style affine geotransform from pixel (col, row) to CRS (x, y):
 * x = t[0] + col * t[1] + row * t[2];  y = t[3] + col * t[4] + row * t[5].
 * Pixel (0, 0) is the top-left corner of the top-left pixel.
 */
export type GeoTransform = [number, number, number, number, number, number];

/** What the reader sees in an image; `satcount info --json` prints the public subset. */
export interface RasterInfo {
  path: string;
  format: 'geotiff' | 'tiff' | 'png' | 'jpeg';
  width: number;
  height: number;
  bands: number;
  dtype: SampleType;
  /** e.g. "EPSG:32638"; null when there is no CRS, or it has no EPSG code (then see `crsProj4`). */
  crs: string | null;
  /** proj4 definition of the image CRS, when one is known (with or without an EPSG code). */
  crsProj4: string | null;
  geoTransform: GeoTransform | null;
  /** Ground size of one pixel in metres (mean of x and y), also for geographic CRSs; null if unknown. */
  gsd_m: number | null;
  georeferenced: boolean;
  nodata: number | null;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  overviews: number;
  /** Band (0-based) holding alpha, or null. */
  alphaBand: number | null;
  /** An internal or external (.msk) per-dataset mask is present. */
  hasMask: boolean;
}

/** 8-bit RGB pixels of one window, resampled to the requested size, with validity per pixel. */
export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved RGB, width * height * 3 bytes. */
  data: Uint8Array;
  /** 1 where the pixel holds data, 0 for nodata / masked / transparent; null when all are valid. */
  valid: Uint8Array | null;
}

/** One tile of the tiling plan: a source window resampled to model space. */
export interface Tile {
  index: number;
  col: number;
  row: number;
  /** Full-resolution source pixels read for this tile. */
  window: PixelWindow;
  /** Size of the tile in model pixels (the model input size; edge tiles are padded to it). */
  modelWidth: number;
  modelHeight: number;
  /** Model pixels per source pixel (model pixel = source pixel * scale, relative to window origin). */
  scale: number;
  /** The part of `window` this tile answers for: a detection whose centre lies here is kept. */
  core: PixelWindow;
}

/** A detection as a decoder returns it, in model pixels of one tile. */
export interface TileDetection {
  box: ModelBox;
  score: number;
  classIndex: number;
}

/** A detection in full-resolution pixel coordinates, before georeferencing. */
export interface PixelDetection {
  box: PixelBox;
  score: number;
  classIndex: number;
  /** Index of the tile it came from (diagnostics, seam tests). */
  tile: number;
}

export type Direction = 'forward' | 'backward';

export interface RoadPlacement {
  /** Metres along the road line from its first vertex, on the ground. */
  chainage_m: number;
  /** Signed distance from the centre line in metres, positive to the right of the drawing direction. */
  offset_m: number;
  direction: Direction;
  /** 0 = lane nearest the centre line, within the direction. */
  lane: number;
  /**
   * Outside every lane learned from the vehicles' offsets (verge, shoulder, beside the road):
   * counted on the road but never part of a queue.
   */
  verge: boolean;
}

/** One entry of `detections` in the result JSON (schema/result.schema.json, $defs/detection). */
export interface Detection {
  id: number;
  class: string;
  score: number;
  bbox_px: PixelBox;
  center_px: PixelPoint;
  center_crs: CrsPoint | null;
  lonlat: LonLat | null;
  road: RoadPlacement | null;
}

/** How to turn a tile's RGB bytes into the model's input tensor. */
export interface Normalization {
  /** Channel order fed to the model. */
  order: 'rgb' | 'bgr';
  /** Applied as (value / 255 - mean) / std per channel, in `order`. */
  mean: [number, number, number];
  std: [number, number, number];
}

export type { LayoutName };

/**
 * Measured detection quality of a model for one class at one ground sample distance (metadata
 * `quality`), from its validation sets: what a count's interval can be built from.
 */
export interface QualityEntry {
  gsd_m: number;
  class: string;
  precision: number;
  recall: number;
  /** Vehicles of this class in the validation sets the figures come from. */
  n_truth: number;
  /** Which validation sets. */
  set: string;
}

/** Effective model settings (metadata merged with command-line overrides). */
export interface ModelInfo {
  path: string;
  name: string;
  /** Metres per pixel the model was trained at. */
  gsd_m: number;
  /** Pixel sizes its accuracy was measured on (finest, coarsest); [gsd_m, gsd_m] when its metadata states none. */
  gsd_range_m: [finest: number, coarsest: number];
  input_size: [w: number, h: number];
  layout: LayoutName;
  classes: string[];
  /** The classes counted as vehicles (a multi-class model's others are dropped before merging). */
  vehicle_classes: string[];
  score_threshold: number;
  nms_iou: number;
  normalization: Normalization;
  /** Overlap between neighbouring tiles, model pixels. */
  tile_overlap: number;
  trained_on: string | null;
  /** Per-class, per-GSD precision and recall from the model's metadata; empty when it states none. */
  quality: QualityEntry[];
  /** Tile sides must be multiples of this for a model with a dynamic input; null: input_size only. */
  size_multiple: number | null;
  /** Test-time mirror averaging (detect/mirror.ts): each tile is inferred twice. */
  tta: boolean;
}

/** Transforms between the pixel grid, the image CRS and WGS84 for one georeferenced image. */
export interface Georef {
  /** proj4 definition of the image CRS. */
  proj4: string;
  /** True when the image CRS is geographic (degrees). */
  geographic: boolean;
  pixelToCrs(p: PixelPoint): CrsPoint;
  crsToPixel(p: CrsPoint): PixelPoint;
  crsToLonLat(p: CrsPoint): LonLat;
  lonLatToCrs(p: LonLat): CrsPoint;
}

/**
 * An error a user caused (bad input, bad model, bad usage). `exitCode` follows the README's exit codes:
 * 2 bad usage or input, 3 model problem. The message is one line naming the file and the problem.
 */
export class SatcountError extends Error {
  constructor(
    message: string,
    readonly exitCode: 2 | 3 = 2,
  ) {
    super(message);
    this.name = 'SatcountError';
  }
}

/** Library options a SettingsError can name, as a library caller spells them. */
export type OptionName =
  | 'gsd' | 'bands' | 'stretch' | 'maxMegapixels' | 'overlap' | 'tileSize'
  | 'modelOverrides.gsd_m' | 'modelOverrides.score_threshold' | 'modelOverrides.nms_iou' | 'modelOverrides.threads' | 'modelOverrides.tta'
  | 'road.crs' | 'road.corridor_m' | 'road.maxGap_m' | 'road.profileBin_m'
  | 'iou' | 'simulateGsd' | 'classes' | 'labelFormat';

/**
 * A bad or missing setting. The message names the option as a library caller spells it
 * (`options.gsd`); the CLI asks for it with its own flag name instead (`--gsd`).
 *
 * @example new SettingsError('gsd', (name) => `scene.png: has no georeferencing; pass ${name} <metres per pixel>`)
 */
export class SettingsError extends SatcountError {
  constructor(
    readonly option: OptionName,
    private readonly say: (name: string) => string,
    exitCode: 2 | 3 = 2,
  ) {
    super(say(`options.${option}`), exitCode);
    this.name = 'SettingsError';
  }

  /** The message with the option called `name`. */
  messageFor(name: string): string {
    return this.say(name);
  }
}
