import { openRaster, type RasterSource } from '../raster/open.js';
import { detectionsCsv } from '../report/csv.js';
import { toGeoJson } from '../report/geojson.js';
import { writeFileAtomic } from '../report/atomic.js';
import { writeOverlay } from '../report/overlay.js';
import { SatcountError } from '../types.js';
import type { Detector } from '../detect/model.js';
import { baseResult, detectScene, effectiveGsd, openDetector, planSceneTiles, type CountOptions } from './count.js';
import type { CountResult } from './result.js';

export interface OutputOptions {
  /** Result JSON file. */
  out?: string;
  geojson?: string;
  /** GeoJSON boxes (polygons) instead of centre points. */
  geojsonBoxes?: boolean;
  csv?: string;
  overlay?: string;
}

export type RunOptions = CountOptions;

/** A finished count with the open image and model, for writing outputs; close() when done. */
export interface CountRun {
  result: CountResult;
  source: RasterSource;
  detector: Detector;
  close(): Promise<void>;
}

function effectiveParams(opts: RunOptions, detector: Detector, gsd: number, overlap: number): Record<string, unknown> {
  const m = detector.info;
  return {
    model: m.path,
    gsd_m: gsd,
    model_gsd_m: m.gsd_m,
    bands: opts.bands ?? null,
    threshold: m.score_threshold,
    nms_iou: m.nms_iou,
    tile_size: m.input_size,
    tile_overlap: overlap,
    max_megapixels: opts.maxMegapixels ?? null,
  };
}

/** Counts vehicles in one image and keeps the image and model open for writing outputs. */
export async function runCount(image: string, opts: RunOptions = {}): Promise<CountRun> {
  const t0 = performance.now();
  const source = await openRaster(image, { gsd: opts.gsd, bands: opts.bands, maxMegapixels: opts.maxMegapixels, signal: opts.signal });
  let detector: Detector | undefined;
  const close = async () => {
    await source.close();
    if (detector && !opts.detector) await detector.close();
  };
  try {
    detector = await openDetector(opts);
    const gsd = effectiveGsd(source, opts.gsd);
    if (!source.info.georeferenced) {
      opts.logger?.warn({ image }, 'image has no georeferencing: outputs carry pixel coordinates only');
    }
    const overlap = opts.overlap ?? detector.info.tile_overlap;
    const tiles = planSceneTiles(source, detector, gsd, overlap);
    const run = await detectScene(source, detector, gsd, tiles, opts);
    const result = baseResult(run, effectiveParams(opts, detector, gsd, overlap), t0);
    return { result, source, detector, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Writes the requested output files, each atomically. */
export async function writeOutputs(run: CountRun, outputs: OutputOptions): Promise<void> {
  const { result, source } = run;
  if (outputs.out) await writeFileAtomic(outputs.out, JSON.stringify(result, null, 2) + '\n');
  if (outputs.geojson) {
    if (!source.georef) throw new SatcountError(`${result.image.path}: no georeferencing, so no WGS84 GeoJSON can be written (${outputs.geojson})`);
    await writeFileAtomic(outputs.geojson, toGeoJson(result.detections, source.georef, { boxes: outputs.geojsonBoxes }));
  }
  if (outputs.csv) await writeFileAtomic(outputs.csv, detectionsCsv(result.detections));
  if (outputs.overlay) await writeOverlay(outputs.overlay, source, result.detections);
}

/**
 * Library entry point: detect and count vehicles in one image.
 *
 * @example
 * const result = await countVehicles('scene.tif', { gsd: 0.3 });
 * console.log(result.counts.total);
 */
export async function countVehicles(image: string, opts: RunOptions & { outputs?: OutputOptions } = {}): Promise<CountResult> {
  const run = await runCount(image, opts);
  try {
    if (opts.outputs) await writeOutputs(run, opts.outputs);
    return run.result;
  } finally {
    await run.close();
  }
}
