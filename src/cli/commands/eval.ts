import { Command, Option } from 'commander';
import { formatTable } from '../../eval/table.js';
import { LABEL_FORMATS, type LabelFormat } from '../../eval/types.js';
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
  matches?: string;
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
    .option('--out <file.json>', 'write the JSON report')
    .option('--matches <file.csv>', 'write every detection with its outcome (tp, fp, or ignored: on a do-not-care label) and every missed vehicle label (fn), in the image\'s pixels, as CSV');
  addModelOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 ok · 1 F1 below --min-f1 · 2 bad input · 3 model problem

Examples:
  $ satcount eval ../shared/data/kit-ais/MOS7*.png --labels ../shared/data/kit-ais --simulate-gsd 0.3
  $ satcount eval scene.tif --labels truth.geojson --min-f1 0.8
  $ satcount eval lot.png --labels labels/ --gsd 0.3 --matches lot-matches.csv`,
  );
  return cmd.action(
    action(async (paths: string[], flags: EvalFlags) => {
      const logger = loggerFor(flags);
      const { runEval } = await import('../../eval/run.js'); // the pipeline and sharp, loaded on use
      const { report } = await runEval(paths, {
        ...modelOptionsFrom(flags),
        labels: flags.labels,
        labelFormat: flags.labelFormat,
        classes: flags.classes,
        iou: flags.iou,
        simulateGsd: flags.simulateGsd,
        out: flags.out,
        matches: flags.matches,
        logger,
        signal,
      });
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatTable(report));
      // No labels and no detections anywhere leaves F1 undefined: nothing was missed or invented.
      const f1 = report.totals.f1 ?? (report.totals.fp === 0 && report.totals.fn === 0 ? 1 : 0);
      if (flags.minF1 !== undefined && f1 < flags.minF1) {
        process.stderr.write(`satcount: F1 ${report.totals.f1?.toFixed(3) ?? 'undefined'} is below --min-f1 ${flags.minF1}\n`);
        return EXIT.regression;
      }
    }),
  );
}
