import type { ModelInfo } from '../types.js';
import { SettingsError } from '../types.js';
import { resolveStretch } from '../raster/stretch.js';
import type { RasterSource } from '../raster/types.js';
import type { CountOptions } from './count.js';
import type { RoadRunOptions } from './road.js';

/**
 * Settings are checked here, once, where a library call enters (runCount, runBatch, runEval),
 * so a bad value fails before any work with an error naming its option, not deep in a stage.
 */
/**
 * More inference threads than this only thrash: onnxruntime with 1000 threads on a 2-core
 * machine ran for minutes on one tile (issue 15 item 14).
 */
const MAX_THREADS = 64;
/** Profile bins shorter than this are finer than a vehicle (and a 10 km road would need 10⁷ of them at 1 mm). */
const MIN_PROFILE_BIN_M = 1;

export function checkRunOptions(opts: CountOptions & { road?: RoadRunOptions }): void {
  const positive = (option: ConstructorParameters<typeof SettingsError>[0], v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new SettingsError(option, (n) => `${n} ${v}: expected a positive number`);
  };
  const fraction = (option: ConstructorParameters<typeof SettingsError>[0], v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) throw new SettingsError(option, (n) => `${n} ${v}: expected a number from 0 to 1`);
  };
  positive('gsd', opts.gsd);
  resolveStretch(opts.stretch);
  positive('maxMegapixels', opts.maxMegapixels);
  if (opts.overlap !== undefined && !(Number.isFinite(opts.overlap) && opts.overlap >= 0)) {
    throw new SettingsError('overlap', (n) => `${n} ${opts.overlap}: expected a number ≥ 0`);
  }
  const m = opts.modelOverrides ?? {};
  positive('modelOverrides.gsd_m', m.gsd_m);
  fraction('modelOverrides.score_threshold', m.score_threshold);
  fraction('modelOverrides.nms_iou', m.nms_iou);
  if (m.threads !== undefined && !(Number.isInteger(m.threads) && m.threads >= 1 && m.threads <= MAX_THREADS)) {
    throw new SettingsError('modelOverrides.threads', (n) => `${n} ${m.threads}: expected a whole number from 1 to ${MAX_THREADS}`);
  }
  if (opts.road) {
    positive('road.corridor_m', opts.road.corridor_m);
    positive('road.maxGap_m', opts.road.maxGap_m);
    positive('road.profileBin_m', opts.road.profileBin_m);
    if (opts.road.profileBin_m !== undefined && opts.road.profileBin_m < MIN_PROFILE_BIN_M) {
      throw new SettingsError('road.profileBin_m', (n) => `${n} ${opts.road!.profileBin_m}: expected at least ${MIN_PROFILE_BIN_M} m (a bin shorter than a car holds a fraction of one)`);
    }
  }
}

/** The tile overlap in model pixels: the option, else the model's; under half the tile side. */
export function resolveOverlap(overlap: number | undefined, model: ModelInfo): number {
  const v = overlap ?? model.tile_overlap;
  const side = Math.min(...model.input_size);
  if (!(Number.isFinite(v) && v >= 0 && v * 2 < side)) {
    throw new SettingsError('overlap', (n) => `${n} ${v}: must be ≥ 0 and under half the model's ${side}-pixel tile (${side / 2})`);
  }
  return v;
}

/**
 * Tile side for models that take any size: the least model time per km² of scene with a 64 px
 * overlap (README "Tile size"). Larger tiles infer fewer pixels twice, but past 768² the shipped
 * model's stride-4 activations outgrow the cache and its time per pixel rises faster than that.
 */
export const SCENE_TILE_SIZE = 768;

/** The grid's tile size (model pixels): the option, else SCENE_TILE_SIZE, as the model takes it. */
export function resolveTileSize(wanted: number | undefined, model: ModelInfo, overlap: number): [w: number, h: number] {
  if (model.size_multiple === null) {
    if (wanted !== undefined && (wanted !== model.input_size[0] || wanted !== model.input_size[1])) {
      throw new SettingsError('tileSize', (n) => `${model.path}: ${n} ${wanted}: the model's input is fixed at ${model.input_size[0]}x${model.input_size[1]}`);
    }
    return model.input_size;
  }
  const side = wanted ?? SCENE_TILE_SIZE;
  const multiple = model.size_multiple;
  if (!(Number.isInteger(side) && side > 0 && side % multiple === 0 && side <= 8192)) {
    throw new SettingsError('tileSize', (n) => `${model.path}: ${n} ${side}: the model takes tile sides that are multiples of ${multiple}, up to 8192`);
  }
  if (overlap * 2 >= side) throw new SettingsError('tileSize', (n) => `${model.path}: ${n} ${side}: less than twice the tile overlap (${overlap} px)`);
  return [side, side];
}

/** Metres per pixel: the option, else the file's. */
export function effectiveGsd(source: RasterSource, override: number | undefined): number {
  const gsd = override ?? source.info.gsd_m;
  if (gsd === null || gsd === undefined || !(gsd > 0)) {
    throw new SettingsError('gsd', (n) => `${source.info.path}: no ground sample distance known; pass ${n} <metres per pixel>`);
  }
  return gsd;
}
