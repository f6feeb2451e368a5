import { SettingsError, type PixelBox } from '../types.js';
import { degradeToGsd } from './degrade.js';
import { estimateGsdFromLabels } from './gsd.js';
import { loadImage, type LoadedImage } from './load.js';
import { matchDetections } from './match.js';
import { matchRecords, type MatchRecord } from './matches.js';
import { countError, scores, summarize } from './metrics.js';
import type { ClassFilter, DetectFn, EvalReport, GsdSource, ImageLabels, ImageRow, LabelBox, MatchCounts } from './types.js';

export const DEFAULT_IOU = 0.3;

export interface EvalImage {
  path: string;
  labels: ImageLabels;
}

export interface EvalOptions {
  classes: ClassFilter;
  /** Match threshold (`--iou`); default 0.3. */
  iou?: number;
  /** `--simulate-gsd`: degrade each image to this many metres per pixel before detecting. */
  simulateGsd?: number | null;
  /** `--gsd`: the images' pixel size, over what the image or its labels say. */
  gsd?: number | null;
  /** Seed of the simulated sensor noise; default 0. */
  seed?: number;
  /** Decodes an image; default: the raster reader, as `count` reads it. */
  load?: (path: string) => Promise<LoadedImage>;
  log?: (message: string) => void;
  /** Called per image with every detection's outcome and every missed label (`eval --matches`). */
  onMatches?: (records: MatchRecord[]) => void;
}

/**
 * Runs `detect` on each image (degraded first with `simulateGsd`) and scores it against its labels.
 * The source pixel size is, in order: `opts.gsd`, the image's own, the labels' (DOTA `gsd:`), or
 * estimated from the labelled car sizes (logged).
 *
 * @example const report = await evaluate([{ path: 'a.png', labels }], { classes: classFilter(undefined, null), simulateGsd: 0.3 }, detect);
 */
export async function evaluate(images: readonly EvalImage[], opts: EvalOptions, detect: DetectFn): Promise<EvalReport> {
  const iouThreshold = opts.iou ?? DEFAULT_IOU;
  if (!(iouThreshold > 0 && iouThreshold <= 1)) throw new SettingsError('iou', (n) => `${n} ${iouThreshold}: expected a number in (0, 1]`);
  const simulate = opts.simulateGsd ?? null;
  const load = opts.load ?? ((p: string) => loadImage(p));
  const rows: ImageRow[] = [];
  for (const { path, labels } of images) {
    const loaded = await load(path);
    const { gsd, source } = sourceGsd(path, loaded.gsd_m, labels, opts.gsd ?? null);
    if (source === 'estimated' || source === 'labels') {
      opts.log?.(`${path}: ${gsd.toFixed(4)} m per pixel, ${source === 'labels' ? 'from the label file' : 'judged from labelled car sizes'}`);
    }
    let image = loaded.image;
    let boxes: readonly LabelBox[] = labels.boxes;
    let scale = 1;
    if (simulate !== null) {
      const degraded = await degradeToGsd(image, gsd, simulate, opts.seed ?? 0);
      image = degraded.image;
      scale = degraded.scale;
      boxes = boxes.map((l) => ({ ...l, box: scaleBox(l.box, scale) }));
    }
    const presented = simulate ?? gsd;
    const detections = await detect(image, presented);
    const areaKm2 = (image.width * image.height * presented * presented) / 1e6;
    const match = matchDetections(boxes, detections, iouThreshold, opts.classes);
    rows.push(imageRow(path, match, presented, areaKm2, source));
    if (opts.onMatches) opts.onMatches(matchRecords(path, labels.boxes, detections, match, scale, opts.classes));
  }
  return { images: rows, totals: summarize(rows, { iou: iouThreshold, simulate_gsd: simulate, classes: opts.classes.describe }) };
}

function imageRow(path: string, m: MatchCounts, gsd: number, areaKm2: number, source: GsdSource): ImageRow {
  const gt = m.tp + m.fn;
  const detected = m.tp + m.fp;
  return {
    image: path,
    gt,
    detected,
    tp: m.tp,
    fp: m.fp,
    fn: m.fn,
    ignored: m.ignored,
    ...scores(m),
    ...countError(detected, gt),
    gsd_m: gsd,
    area_km2: areaKm2,
    fp_per_km2: areaKm2 > 0 ? m.fp / areaKm2 : 0,
    gsd_source: source,
  };
}

function sourceGsd(
  path: string,
  imageGsd: number | null,
  labels: ImageLabels,
  optionGsd: number | null,
): { gsd: number; source: GsdSource } {
  if (optionGsd !== null) return { gsd: optionGsd, source: 'option' };
  if (imageGsd !== null) return { gsd: imageGsd, source: 'image' };
  if (labels.gsd_m !== null) return { gsd: labels.gsd_m, source: 'labels' };
  const estimate = estimateGsdFromLabels(labels.boxes);
  if (estimate === null) {
    throw new SettingsError('gsd', (n) => `${path}: pixel size unknown and no labelled vehicle to judge it from; give ${n}`);
  }
  return { gsd: estimate, source: 'estimated' };
}

function scaleBox(b: PixelBox, s: number): PixelBox {
  return [b[0] * s, b[1] * s, b[2] * s, b[3] * s];
}
