import type { PixelBox, PixelDetection, PixelPoint, RgbImage } from '../types.js';

export type LabelFormat = 'yolo' | 'dota' | 'coco' | 'geojson';
export const LABEL_FORMATS: readonly LabelFormat[] = ['yolo', 'dota', 'coco', 'geojson'];

/** One ground-truth object, in full-resolution pixels of its image. */
export interface LabelBox {
  box: PixelBox;
  className: string;
  /**
   * DOTA `difficult` = 1 or COCO `iscrowd` = 1: like an ignored class, a detection on it is
   * neither a true nor a false positive, and missing it is no false negative.
   */
  difficult?: boolean;
}

/** The labels of one image, with the pixel size a label file may state (DOTA `gsd:`). */
export interface ImageLabels {
  boxes: LabelBox[];
  gsd_m: number | null;
}

/** What a label reader may need to know about the image its labels belong to. */
export interface LabelTarget {
  path: string;
  width: number;
  height: number;
  /** Metres per pixel, when known: GeoJSON points become boxes of a nominal vehicle size with it. */
  gsd_m?: number | null;
  /**
   * Maps a GeoJSON position, as written in the file (lon/lat per RFC 7946, or the CRS the file
   * names), to full-resolution pixels of this image. GeoJSON labels need it.
   */
  toPixel?: (coord: [number, number]) => PixelPoint;
}

/** A detection as evaluation needs it; a `PixelDetection` fits. */
export type ScoredBox = Pick<PixelDetection, 'box' | 'score'>;

/** Runs the full detector on an in-memory image of `gsd_m` metres per pixel. */
export type DetectFn = (image: RgbImage, gsd_m: number) => Promise<ScoredBox[]>;

/** Decides which label classes are vehicles; the rest are ignored (see `matchDetections`). */
export interface ClassFilter {
  isVehicle(className: string): boolean;
  /** For the report: what counted, e.g. "car, truck, bus, minibus". */
  describe: string;
}

/** Counts of one image after matching. */
export interface MatchCounts {
  tp: number;
  fp: number;
  fn: number;
  /** Detections that fell on an ignored class or a difficult box: neither TP nor FP. */
  ignored: number;
}

export interface ImageRow extends MatchCounts {
  image: string;
  /** Vehicle labels (ignored classes and difficult boxes excluded). */
  gt: number;
  /** Detections that count: tp + fp. */
  detected: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** detected - gt: positive when the detector over-counts. */
  count_error: number;
  /** 100 * count_error / gt; null when the image holds no vehicle label. */
  count_error_pct: number | null;
  /** Metres per pixel the image was presented to the detector at. */
  gsd_m: number;
  /** Ground area of the whole image (nodata included), km². */
  area_km2: number;
  /** False positives per km² of ground: on an image with no vehicle, the false-alarm rate. */
  fp_per_km2: number;
  /** Where the source pixel size came from. */
  gsd_source: GsdSource;
}

export type GsdSource = 'image' | 'labels' | 'option' | 'estimated';

export interface EvalTotals extends MatchCounts {
  images: number;
  gt: number;
  detected: number;
  /** Micro-averaged: from the TP, FP and FN summed over all images. */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** Mean over images of |count_error|. */
  mae: number;
  /** Largest |count_error_pct| over images with vehicles; null when none has any. */
  max_abs_count_error_pct: number | null;
  area_km2: number;
  /** All false positives over all the ground evaluated. */
  fp_per_km2: number;
  iou: number;
  simulate_gsd: number | null;
  matching: 'greedy-by-score';
  classes: string;
}

export interface EvalReport {
  images: ImageRow[];
  totals: EvalTotals;
}
