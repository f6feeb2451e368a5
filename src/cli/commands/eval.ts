import { Command, Option } from 'commander';
import { classFilter, evaluate, formatTable, LABEL_FORMATS, loadPlainImage, openLabels, type EvalImage, type LabelFormat, type LoadedImage } from '../../eval/index.js';
import { memorySource } from '../../pipeline/memory-source.js';
import { detectScene, openDetector, planSceneTiles } from '../../pipeline/count.js';
import { openRaster } from '../../raster/open.js';
import { writeFileAtomic } from '../../report/atomic.js';
import { addModelOptions, modelOptionsFrom, type ModelFlags } from '../common-options.js';
import { positiveNumber, probability } from '../parse.js';
import { action, EXIT, loggerFor, type GlobalFlags } from '../run-command.js';

interface EvalFlags extends ModelFlags, GlobalFlags {
  labels: string;
  labelFormat?: LabelFormat;
  classes?: string;
  iou: number;
  minF1?: number;
  simulateGsd?: number;
  out?: string;
}

/** GeoTIFFs go through the raster reader (for their pixel size); other files through sharp. */
async function loadImage(path: string, flags: EvalFlags): Promise<LoadedImage> {
  if (!/\.tiff?$/i.test(path)) return loadPlainImage(path, flags.bands);
  const source = await openRaster(path, { gsd: flags.gsd, bands: flags.bands, maxMegapixels: flags.maxMegapixels });
  try {
    const { width, height } = source.info;
    const image = await source.readRgb({ x: 0, y: 0, width, height }, width, height);
    return { image, gsd_m: source.info.georeferenced || flags.gsd ? source.info.gsd_m : null };
  } finally {
    await source.close();
  }
}

export function evalCommand(signal: AbortSignal): Command {
  const cmd = new Command('eval')
    .description('detection and counting accuracy against ground-truth labels')
    .argument('<images...>', 'labelled images')
    .requiredOption('--labels <path>', 'label folder (one file per image, same stem) or one COCO/GeoJSON file')
    .addOption(new Option('--label-format <format>', 'label format (default: detected)').choices([...LABEL_FORMATS]))
    .option('--classes <list>', 'label classes that are vehicles, e.g. "car,truck,bus" or "0,1,2,3" (default: vehicle-like names)')
    .option('--iou <iou>', 'IoU for a detection to match a label (one-to-one, greedy by score)', probability, 0.3)
    .option('--min-f1 <f1>', 'exit 1 when the overall F1 is below this', probability)
    .option('--simulate-gsd <metres>', 'degrade each image to this pixel size (satellite optics, fixed seed) first', positiveNumber)
    .option('--out <file.json>', 'write the JSON report');
  addModelOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 ok · 1 F1 below --min-f1 · 2 bad input · 3 model problem

Examples:
  $ satcount eval ../shared/data/kit-ais/MOS7*.png --labels ../shared/data/kit-ais --simulate-gsd 0.3
  $ satcount eval scene.tif --labels truth.geojson --min-f1 0.8`,
  );
  return cmd.action(
    action(async (paths: string[], flags: EvalFlags) => {
      const logger = loggerFor(flags);
      const labels = await openLabels(flags.labels, flags.labelFormat);
      const classes = classFilter(flags.classes, labels.classNames);
      const detector = await openDetector(modelOptionsFrom(flags));
      try {
        const images: EvalImage[] = [];
        const loaded = new Map<string, LoadedImage>();
        for (const path of paths) {
          const img = await loadImage(path, flags);
          loaded.set(path, img);
          const found = await labels.forImage({ path, width: img.image.width, height: img.image.height, gsd_m: img.gsd_m });
          if (!found.file) logger.warn({ image: path }, 'no label file for this image: every detection counts as a false alarm');
          images.push({ path, labels: found });
        }
        const report = await evaluate(
          images,
          {
            classes,
            iou: flags.iou,
            simulateGsd: flags.simulateGsd,
            gsd: flags.gsd,
            load: async (p) => loaded.get(p)!,
            log: (message) => logger.info(message),
          },
          async (image, gsd) => {
            const source = memorySource('(evaluated image)', image, gsd);
            const tiles = planSceneTiles(source, detector, gsd, flags.overlap);
            const run = await detectScene(source, detector, gsd, tiles, { signal });
            return run.detections.map((d) => ({ box: d.bbox_px, score: d.score }));
          },
        );
        if (flags.out) await writeFileAtomic(flags.out, JSON.stringify({ model: detector.info, ...report }, null, 2) + '\n');
        process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatTable(report));
        // No labels and no detections anywhere leaves F1 undefined: nothing was missed or invented.
        const f1 = report.totals.f1 ?? (report.totals.fp === 0 && report.totals.fn === 0 ? 1 : 0);
        if (flags.minF1 !== undefined && f1 < flags.minF1) {
          process.stderr.write(`satcount: F1 ${report.totals.f1?.toFixed(3) ?? 'undefined'} is below --min-f1 ${flags.minF1}\n`);
          return EXIT.regression;
        }
      } finally {
        await detector.close();
      }
    }),
  );
}
