import type { AcquiredOptions } from '../raster/acquired.js';
import { readOptions } from '../raster/common.js';
import { openImages } from '../raster/mosaic.js';
import { workerReads } from '../raster/worker-reads.js';
import { canopyWarning, countEstimate, qualityAtGsd, type Estimate } from '../road/index.js';
import type { QualityEntry, Tile } from '../types.js';
import type { RasterSource } from '../raster/types.js';
import type { Detector } from '../detect/model.js';
import { checkOutputPaths, writeOutputs, type OutputOptions, type OutputSubject } from '../report/outputs.js';
import { sourceAcquisition } from './acquisition.js';
import { checkPixelSize } from './pixel-size.js';
import { baseResult, detectScene, planSceneTiles, type CountOptions } from './count.js';
import { checkRunOptions, effectiveGsd, resolveOverlap, resolveTileSize } from './settings.js';
import { logIgnoredClasses, openDetector } from './detectors.js';
import type { CountResult, QueueReport } from './result.js';
import { analyseRoad, corridorTiles, prepareRoad, roadTiles, type RoadAnalysis, type RoadContext, type RoadRunOptions } from './road.js';
import { VisibilityGrid } from './visibility.js';

export interface RunOptions extends CountOptions {
  /** Precision and recall per class and GSD band, instead of the model metadata's `quality`. */
  quality?: QualityEntry[];
  /** Road analysis: directions, queues and profile along a road line; reads only the corridor. */
  road?: RoadRunOptions;
  /** Where the acquisition time comes from when the file does not say (--date, --date-from-name). */
  acquired?: AcquiredOptions;
}

/** A finished count with the open image and model, for writing outputs; close() when done. */
export interface CountRun extends OutputSubject {
  detector: Detector;
  close(): Promise<void>;
}

function effectiveParams(opts: RunOptions, source: RasterSource, road: RoadContext | null, detector: Detector, gsd: number, overlap: number, tiling: Tiling): Record<string, unknown> {
  const m = detector.info;
  return {
    model: m.path,
    gsd_m: gsd,
    model_gsd_m: m.gsd_m,
    bands: opts.bands ?? null,
    stretch: source.stretch,
    threshold: m.score_threshold,
    nms_iou: m.nms_iou,
    tta: m.tta,
    tiling: tiling.kind,
    tile_size: tiling.size,
    tile_overlap: overlap,
    max_megapixels: opts.maxMegapixels ?? null,
    road: opts.road?.path ?? null,
    road_crs: opts.road?.crs ?? null,
    road_name: opts.road?.name ?? null,
    road_ref: opts.road?.ref ?? null,
    occluded: opts.road?.occluded ?? null,
    corridor_m: opts.road?.corridor_m ?? null,
    drive_side: road?.opts.driveSide ?? null,
    max_gap_m: opts.road?.maxGap_m ?? null,
    queue_head: road?.opts.queueHead ?? null,
    profile_bin_m: opts.road?.profileBin_m ?? null,
    force: opts.force ?? false,
  };
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** The model card covers colour (RGB) imagery only: on one grey band it takes tree crowns and roof details for vehicles. */
function greyWarning(path: string): string {
  return `${path}: one band shown as grey (panchromatic?); the model was trained on colour (RGB) images only, so expect false detections (trees, roofs); pass --bands r,g,b if the file has colour bands`;
}

function queueReport(q: RoadAnalysis['queues'][number], estimate: Estimate | null): QueueReport {
  return {
    ...q,
    vehicles_expected: estimate?.expected ?? null,
    vehicles_interval: estimate?.interval ?? null,
    start_m: r1(q.start_m),
    end_m: r1(q.end_m),
    length_m: r1(q.length_m),
    head_m: r1(q.head_m),
    head_gap_m: r1(q.head_gap_m),
    visible_length_m: r1(q.visible_length_m),
    density_per_lane_per_km: r1(q.density_per_lane_per_km),
    filled: q.filled.map((f) => ({ ...f, start_m: r1(f.start_m), end_m: r1(f.end_m), length_m: r1(f.length_m), vehicles_added: r1(f.vehicles_added), density_per_lane_per_km: r1(f.density_per_lane_per_km) })),
  };
}

/** Fills the road parts of a result: per-detection placement, counts by direction, queues, profile. */
function applyRoad(result: CountResult, ctx: RoadContext, a: RoadAnalysis): void {
  result.counts.on_road = a.placed;
  result.counts.by_direction = a.byDirection;
  result.counts.verge = a.verge.length;
  result.queues = a.queues.map((q, i) => queueReport(q, a.estimates[i]));
  result.profile = a.profile;
  result.road = {
    file: ctx.opts.path,
    length_m: r1(ctx.model.length_m),
    covered: ctx.model.coveredRanges.map((c) => ({ start_m: r1(c.start_m), end_m: r1(c.end_m) })),
    hidden: {
      forward: a.hidden.forward.map((h) => ({ ...h, start_m: r1(h.start_m), end_m: r1(h.end_m) })),
      backward: a.hidden.backward.map((h) => ({ ...h, start_m: r1(h.start_m), end_m: r1(h.end_m) })),
    },
    frame: ctx.frame.proj4 ?? 'pixel grid × gsd',
    pieces: ctx.model.pieces,
    verge: a.verge,
  };
}

/** Images under this many pixels (4 tiles of 512²) are read on the main thread: a worker takes ~0.1 s of CPU to start. */
const WORKER_MIN_PIXELS = 4 * 512 * 512;

interface Tiling {
  /** `road`: tiles follow the corridor (roadTiles); `grid`: the scene's grid, or its tiles that meet the corridor. */
  kind: 'grid' | 'road';
  tiles: Tile[];
  /** The grid's tile side, or the largest corridor tile, in model pixels. */
  size: [w: number, h: number];
  /** Tiles of the whole grid. */
  of: number;
}

/**
 * The tiles of a run. Along a road, a model that takes any size gets tiles that follow the
 * corridor unless --tile-size asks for a grid; a fixed-input model reads the grid tiles that meet it.
 */
function planRun(source: RasterSource, detector: Detector, gsd: number, overlap: number, road: RoadContext | null, tileSize: number | undefined): Tiling {
  const size = resolveTileSize(tileSize, detector.info, overlap);
  const all = planSceneTiles(source, detector, gsd, overlap, size);
  const multiple = detector.info.size_multiple;
  if (!road || multiple === null || tileSize !== undefined) return { kind: 'grid', tiles: road ? corridorTiles(road, all) : all, size, of: all.length };
  const tiles = roadTiles(road, source.info.width, source.info.height, { ...detector.info, size_multiple: multiple }, overlap);
  const largest: [number, number] = [Math.max(...tiles.map((t) => t.modelWidth)), Math.max(...tiles.map((t) => t.modelHeight))];
  return { kind: 'road', tiles, size: tiles.length > 0 ? largest : size, of: all.length };
}

/** Counts vehicles in one image (or one mosaic of several) and keeps it and the model open for writing outputs. */
export async function runCount(image: string | readonly string[], opts: RunOptions = {}): Promise<CountRun> {
  const t0 = performance.now();
  checkRunOptions(opts);
  // Several images, a folder or a VRT are one mosaic: one count, one road, queues across image edges.
  const inputs = typeof image === 'string' ? [image] : image;
  const source = await openImages(inputs, { ...readOptions(opts), signal: opts.signal });
  // Started before the model loads, so the worker's start and its opening of the images overlap that.
  const reads = source.info.width * source.info.height >= WORKER_MIN_PIXELS ? workerReads(inputs, readOptions(opts), source) : null;
  let detector: Detector | undefined;
  const close = async () => {
    await reads?.close();
    await source.close();
    if (detector && !opts.detector) await detector.close();
  };
  try {
    detector = await openDetector(opts);
    logIgnoredClasses(detector, opts.logger);
    const gsd = effectiveGsd(source, opts.gsd);
    const pixelSize = checkPixelSize(source.info.path, gsd, detector.info, opts.force);
    const overlap = resolveOverlap(opts.overlap, detector.info);
    const road = opts.road ? await prepareRoad(opts.road, source, gsd) : null;
    // A mosaic's first image says when; the others are compared with it.
    const { acquisition, warnings: timeWarnings } = await sourceAcquisition(source, opts.acquired);
    // Said once per image, before the work: no georeferencing, GCPs fitted, pixel size, and the like.
    const warnings = [...source.notes, ...pixelSize.warnings, ...(source.grey ? [greyWarning(source.info.path)] : []), ...(road?.warnings ?? []), ...timeWarnings];
    for (const w of warnings) opts.logger?.warn(w);
    for (const note of pixelSize.notes) opts.logger?.info(note);
    const tiling = planRun(source, detector, gsd, overlap, road, opts.tileSize);
    const tiles = tiling.tiles;
    const megapixels = Math.round(tiles.reduce((sum, t) => sum + t.modelWidth * t.modelHeight, 0) / 1e5) / 10;
    opts.logger?.info(
      tiling.kind === 'road' ? { tiles: tiles.length, megapixels } : { tiles: tiles.length, of: tiling.of },
      tiling.kind === 'road'
        ? `reading ${tiles.length} tile${tiles.length === 1 ? '' : 's'} along the road corridor (${megapixels} megapixels)`
        : road
          ? `reading ${tiles.length} of ${tiling.of} tiles (only the road corridor)`
          : `reading ${tiles.length} tile${tiles.length === 1 ? '' : 's'}`,
    );
    const visibility = road ? VisibilityGrid.forImage(source.info.width, source.info.height, gsd) : null;
    const run = await detectScene(source, detector, gsd, tiles, { ...opts, reads, visibility });
    await reads?.close();
    const quality = qualityAtGsd(opts.quality ?? detector.info.quality, gsd);
    const analysis = road && visibility ? analyseRoad(road, run.detections, visibility, quality) : null;
    // Found only once the corridor is read: said then, once, like the warnings above.
    const canopy = road && analysis ? canopyWarning(road.opts.path, analysis.hidden) : null;
    if (canopy) {
      opts.logger?.warn(canopy);
      warnings.push(canopy);
    }
    const result = baseResult(run, effectiveParams(opts, source, road, detector, gsd, overlap, tiling), t0);
    Object.assign(result.image, acquisition);
    result.warnings = warnings;
    const total = quality ? countEstimate(run.detections.length, quality) : null;
    result.counts.total_expected = total?.expected ?? null;
    result.counts.total_interval = total?.interval ?? null;
    if (road && analysis) applyRoad(result, road, analysis);
    return { result, source, detector, road, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Library entry point: detect and count vehicles in one image.
 *
 * @example
 * const result = await countVehicles('scene.tif', { gsd: 0.3 });
 * console.log(result.counts.total);
 */
export async function countVehicles(image: string | readonly string[], opts: RunOptions & { outputs?: OutputOptions } = {}): Promise<CountResult> {
  if (opts.outputs) await checkOutputPaths(opts.outputs);
  const run = await runCount(image, opts);
  try {
    if (opts.outputs) await writeOutputs(run, opts.outputs);
    return run.result;
  } finally {
    await run.close();
  }
}
