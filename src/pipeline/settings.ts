import type { ModelInfo } from '../types.js';
import { SettingsError } from '../types.js';
import type { RasterSource } from '../raster/types.js';
import type { CountOptions } from './count.js';
import type { RoadRunOptions } from './road.js';

/**
 * Settings are checked here, once, where a library call enters (runCount, runBatch, runEval),
 * so a bad value fails before any work with an error naming its option, not deep in a stage.
 */
export function checkRunOptions(opts: CountOptions & { road?: RoadRunOptions }): void {
  const positive = (option: ConstructorParameters<typeof SettingsError>[0], v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new SettingsError(option, (n) => `${n} ${v}: expected a positive number`);
  };
  const fraction = (option: ConstructorParameters<typeof SettingsError>[0], v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) throw new SettingsError(option, (n) => `${n} ${v}: expected a number from 0 to 1`);
  };
  positive('gsd', opts.gsd);
  positive('maxMegapixels', opts.maxMegapixels);
  if (opts.overlap !== undefined && !(Number.isFinite(opts.overlap) && opts.overlap >= 0)) {
    throw new SettingsError('overlap', (n) => `${n} ${opts.overlap}: expected a number ≥ 0`);
  }
  const m = opts.modelOverrides ?? {};
  positive('modelOverrides.gsd_m', m.gsd_m);
  fraction('modelOverrides.score_threshold', m.score_threshold);
  fraction('modelOverrides.nms_iou', m.nms_iou);
  if (m.threads !== undefined && !(Number.isInteger(m.threads) && m.threads >= 1)) {
    throw new SettingsError('modelOverrides.threads', (n) => `${n} ${m.threads}: expected a whole number ≥ 1`);
  }
  if (opts.road) {
    positive('road.corridor_m', opts.road.corridor_m);
    positive('road.maxGap_m', opts.road.maxGap_m);
    positive('road.profileBin_m', opts.road.profileBin_m);
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

/** Metres per pixel: the option, else the file's. */
export function effectiveGsd(source: RasterSource, override: number | undefined): number {
  const gsd = override ?? source.info.gsd_m;
  if (gsd === null || gsd === undefined || !(gsd > 0)) {
    throw new SettingsError('gsd', (n) => `${source.info.path}: no ground sample distance known; pass ${n} <metres per pixel>`);
  }
  return gsd;
}
