import type { AcquiredFrom } from '../raster/acquired.js';
import type { Queue } from '../road/types.js';
import type { Detection, Direction, ModelInfo, RasterInfo } from '../types.js';

/** A queue as reported: the road stage's Queue, distances rounded to 0.1 m, and how sure its count is. */
export type QueueReport = Queue & {
  /** Vehicles in the queue once the detector's false alarms and misses are accounted for; null when the model states no quality. */
  vehicles_expected: number | null;
  /** 95 % interval on the queue's vehicles (detection and fill density uncertainty); null when the model states no quality. */
  vehicles_interval: [low: number, high: number] | null;
};

/** The result JSON, specified by schema/result.schema.json; field names are public and only grow. */
export interface CountResult {
  satcount: string;
  image: {
    path: string;
    width: number;
    height: number;
    bands: number;
    dtype: string;
    crs: string | null;
    gsd_m: number;
    georeferenced: boolean;
    /** When the image was taken, ISO 8601 UTC; null when nothing says. */
    acquired: string | null;
    /** Where `acquired` came from (see raster/acquired.ts). */
    acquired_from: AcquiredFrom | null;
    /** A mosaic's images and their place in its pixel grid; absent for one image. */
    images?: { path: string; x0: number; y0: number; width: number; height: number }[];
  };
  model: { path: string; name: string; gsd_m: number; gsd_range_m: [number, number]; input_size: [number, number]; layout: string };
  params: Record<string, unknown>;
  detections: Detection[];
  counts: {
    total: number;
    by_class: Record<string, number>;
    on_road: number | null;
    by_direction: Record<Direction, number> | null;
    /** Of on_road, those outside every lane (see road.verge for their ids); they join no queue. */
    verge?: number | null;
    /** Vehicles truly present among the detections' reach (total corrected for precision and recall); null without quality figures. */
    total_expected?: number | null;
    /** 95 % interval on total_expected. */
    total_interval?: [low: number, high: number] | null;
  };
  queues: QueueReport[];
  profile: { bin_m: number; forward: number[]; backward: number[] } | null;
  road: Record<string, unknown> | null;
  /** What the user must know to trust the numbers (pixel size, grey input, settings overridden…); each also said once on stderr. */
  warnings: string[];
  /** `tiles_planned`: tiles the run set out to read (said before reading); `tiles`: those inferred (the rest held no data). */
  timing: { tiles_planned: number; tiles: number; tiles_skipped: number; read_s: number; inference_s: number; total_s: number };
}

export function imageSection(info: RasterInfo, gsd: number): CountResult['image'] {
  return {
    path: info.path,
    width: info.width,
    height: info.height,
    bands: info.bands,
    dtype: info.dtype,
    crs: info.crs,
    gsd_m: gsd,
    georeferenced: info.georeferenced,
    acquired: null,
    acquired_from: null,
  };
}

export function modelSection(m: ModelInfo): CountResult['model'] {
  return { path: m.path, name: m.name, gsd_m: m.gsd_m, gsd_range_m: m.gsd_range_m, input_size: m.input_size, layout: m.layout };
}

const round = (v: number, k: number) => Math.round(v * k) / k;

/**
 * A detection as reported: pixels and metres to 0.01, CRS units to 0.001, degrees to 1e-8,
 * scores to 0.001. Applied once, when the result is built, after every analysis ran on exact values.
 */
export function roundDetection(d: Detection): Detection {
  const px = (v: number) => round(v, 100);
  return {
    ...d,
    score: round(d.score, 1000),
    bbox_px: [px(d.bbox_px[0]), px(d.bbox_px[1]), px(d.bbox_px[2]), px(d.bbox_px[3])],
    center_px: [px(d.center_px[0]), px(d.center_px[1])],
    center_crs: d.center_crs ? [round(d.center_crs[0], 1000), round(d.center_crs[1], 1000)] : null,
    lonlat: d.lonlat ? [round(d.lonlat[0], 1e8), round(d.lonlat[1], 1e8)] : null,
    road: d.road ? { ...d.road, chainage_m: px(d.road.chainage_m), offset_m: px(d.road.offset_m) } : null,
  };
}

/** Counts per class, classes in alphabetical order (the same order every run). */
export function countByClass(dets: Detection[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...new Set(dets.map((d) => d.class))].sort()) out[name] = 0;
  for (const d of dets) out[d.class]++;
  return out;
}
