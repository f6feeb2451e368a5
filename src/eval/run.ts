import type { Logger } from 'pino';
import type { ModelInfo } from '../types.js';
import { openDetector, type ModelChoice } from '../pipeline/detectors.js';
import { detectScene, planSceneTiles } from '../pipeline/count.js';
import { readOptions } from '../raster/common.js';
import type { StretchMode } from '../raster/stretch.js';
import { memorySource } from '../raster/sources/memory.js';
import { checkRunOptions, resolveOverlap, resolveTileSize } from '../pipeline/settings.js';
import { checkWritable, writeFileAtomic } from '../io/atomic.js';
import { classFilter } from './classes.js';
import { evaluate, type EvalImage } from './evaluate.js';
import { openLabels } from './labels/open.js';
import { loadImage, type LoadedImage } from './load.js';
import { matchesCsv, type MatchRecord } from './matches.js';
import type { EvalReport, LabelFormat } from './types.js';

export interface RunEvalOptions extends ModelChoice {
  /** Label folder (one file per image, same stem) or one COCO/GeoJSON file. */
  labels: string;
  labelFormat?: LabelFormat;
  /** Label classes that are vehicles, e.g. "car,truck" (default: vehicle-like names). */
  classes?: string;
  /** IoU for a detection to match a label; default 0.3. */
  iou?: number;
  /** Degrade each image to this pixel size (satellite optics, fixed seed) first. */
  simulateGsd?: number;
  /** The images' pixel size, over what the files or labels say. */
  gsd?: number;
  bands?: number[];
  /** How >8-bit bands are stretched to 8 bits (default per band, as `count`). */
  stretch?: StretchMode;
  maxMegapixels?: number;
  /** Tile overlap in model pixels (default: the model's). */
  overlap?: number;
  /** Tile side in model pixels (default: as `count`). */
  tileSize?: number;
  /** Also write the report, with the model's metadata, as JSON here. */
  out?: string;
  /** Also write every detection's outcome and every missed vehicle label as CSV here. */
  matches?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Library entry point of `satcount eval`: detects on each labelled image with the same tiling,
 * inference and merging as `count`, and scores the detections against the labels.
 *
 * @example const { report } = await runEval(['a.png'], { labels: 'labels/', simulateGsd: 0.3 });
 */
export async function runEval(paths: readonly string[], opts: RunEvalOptions): Promise<{ report: EvalReport; model: ModelInfo }> {
  if (opts.out) await checkWritable(opts.out);
  if (opts.matches) await checkWritable(opts.matches);
  const labels = await openLabels(opts.labels, opts.labelFormat);
  const classes = classFilter(opts.classes, labels.classNames);
  checkRunOptions(opts);
  const detector = await openDetector(opts);
  try {
    const overlap = resolveOverlap(opts.overlap, detector.info);
    const size = resolveTileSize(opts.tileSize, detector.info, overlap);
    const images: EvalImage[] = [];
    const records: MatchRecord[] = [];
    const loaded = new Map<string, LoadedImage>();
    for (const path of paths) {
      const img = await loadImage(path, { ...readOptions(opts), signal: opts.signal });
      loaded.set(path, img);
      const found = await labels.forImage({ path, width: img.image.width, height: img.image.height, gsd_m: img.gsd_m });
      if (!found.file) opts.logger?.warn({ image: path }, 'no label file for this image: every detection counts as a false alarm');
      images.push({ path, labels: found });
    }
    const report = await evaluate(
      images,
      {
        classes,
        iou: opts.iou,
        simulateGsd: opts.simulateGsd,
        gsd: opts.gsd,
        load: async (p) => loaded.get(p)!,
        log: (message) => opts.logger?.info(message),
        onMatches: (r) => records.push(...r),
      },
      async (image, gsd) => {
        const source = memorySource('(evaluated image)', image, gsd);
        const tiles = planSceneTiles(source, detector, gsd, overlap, size);
        const run = await detectScene(source, detector, gsd, tiles, { signal: opts.signal });
        return run.detections.map((d) => ({ box: d.bbox_px, score: d.score }));
      },
    );
    if (opts.out) await writeFileAtomic(opts.out, JSON.stringify({ model: detector.info, ...report }, null, 2) + '\n');
    if (opts.matches) await writeFileAtomic(opts.matches, matchesCsv(records));
    return { report, model: detector.info };
  } finally {
    if (!opts.detector) await detector.close();
  }
}
