import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import type { CountResult } from '../../pipeline/result.js';
import { commandLine } from '../command-line.js';
import { acquiredOptionsFrom, addAcquiredOptions } from '../acquired-options.js';
import { addModelOptions, addOutputOptions, addRoadOptions, countOutputsFrom, modelOptionsFrom, type ModelFlags } from '../common-options.js';
import { tileProgress } from '../progress.js';
import { SatcountError } from '../../types.js';
import { action, loggerFor, type GlobalFlags } from '../run-command.js';
import { roadOptionsFrom, type RoadFlags } from './road-flags.js';

type CountFlags = ModelFlags & RoadFlags & GlobalFlags & Record<string, unknown> & { force?: boolean; date?: string; dateFromName?: string };

/** "1 vehicle", "3 vehicles". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function km(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`;
}

/** The short human summary printed when --json is not given. */
export function humanSummary(r: CountResult): string {
  const byClass = Object.entries(r.counts.by_class)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ');
  const lines = [`${r.image.path}: ${plural(r.counts.total, 'vehicle')}${byClass ? ` (${byClass})` : ''} in ${plural(r.timing.tiles, 'tile')}, ${r.timing.total_s.toFixed(1)} s`];
  if (r.counts.by_direction) {
    lines.push(`on road: ${r.counts.on_road} (forward ${r.counts.by_direction.forward}, backward ${r.counts.by_direction.backward}${r.counts.verge ? `; ${r.counts.verge} outside the lanes, in no queue` : ''})`);
    for (const q of r.queues) {
      lines.push(
        `queue ${q.direction}: ${km(q.length_m)} (chainage ${Math.round(q.start_m)}–${Math.round(q.end_m)} m), ${plural(q.lanes, 'lane')}, ${plural(q.vehicles_observed, 'vehicle')} seen, ~${q.vehicles_estimated} estimated${
          q.vehicles_interval ? ` (corrected for the detector ~${q.vehicles_expected}, 95 % interval ${q.vehicles_interval[0]}–${q.vehicles_interval[1]})` : ''
        }`,
      );
    }
    if (r.queues.length === 0) lines.push('no queue found');
  }
  return lines.join('\n') + '\n';
}

/**
 * `count a.tif --json out.json` reads out.json as a second image, since --json takes no file:
 * say what was meant instead of only "no such file".
 */
function refuseJsonAsOutput(images: string[], flags: CountFlags): void {
  if (!flags.json) return;
  const slip = images.find((p) => ['.json', '.geojson'].includes(extname(p).toLowerCase()) && !existsSync(p));
  if (slip) throw new SatcountError(`${slip}: no such file (--json prints the result on stdout and takes no file; --out ${slip} writes it there)`);
}

export function countCommand(signal: AbortSignal): Command {
  const cmd = new Command('count')
    .description('detect and count vehicles in one image (or one mosaic of tiles); with --road, also directions and queues')
    .argument('<images...>', 'GeoTIFF/COG (path or http(s) URL), or PNG/JPEG/TIFF with --gsd; several tiles, a folder of them or a GDAL .vrt count as one mosaic');
  addModelOptions(cmd);
  addRoadOptions(cmd);
  addAcquiredOptions(cmd);
  cmd.option('--force', "count even when the image's pixel size is far outside the model's validated range");
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 ok · 2 bad usage or input (unreadable image, bad road, pixel size far outside the model's
            range, unwritable output) · 3 model problem · 130 interrupted

Examples:
  $ satcount count scene.tif
  $ satcount count scene.tif --road border-road.geojson --queue-head end --out result.json --overlay result.png
  $ satcount count scene.tif --road border-road.geojson --report border.html
  $ satcount count export.png --gsd 0.3 --json > result.json
  $ satcount count R1C1.tif R1C2.tif R1C3.tif --road osm-ways.geojson --road-ref "E 117"`,
  );
  return cmd.action(
    action(async (image: string[], flags: CountFlags) => {
      refuseJsonAsOutput(image, flags);
      const outputs = { ...countOutputsFrom(flags), command: commandLine(['satcount', ...process.argv.slice(2)]) };
      const options = { ...modelOptionsFrom(flags), ...roadOptionsFrom(flags), acquired: acquiredOptionsFrom(flags), force: flags.force };
      // The pipeline (onnxruntime, geotiff, proj4) loads here, not at start-up: --help, --version
      // and the other commands start without it.
      const [{ runCount }, { checkOutputPaths, writeOutputs }] = await Promise.all([import('../../pipeline/run.js'), import('../../report/outputs.js')]);
      await checkOutputPaths(outputs);
      const logger = loggerFor(flags);
      const progress = tileProgress(!flags.quiet && !flags.json, 'detecting');
      const run = await runCount(image, {
        ...options,
        logger,
        signal,
        onProgress: progress.update,
      }).finally(progress.stop);
      try {
        await writeOutputs(run, outputs);
      } finally {
        await run.close();
      }
      process.stdout.write(flags.json ? JSON.stringify(run.result, null, 2) + '\n' : humanSummary(run.result));
    }),
  );
}
