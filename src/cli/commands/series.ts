import { Command } from 'commander';
import { expandInputs } from '../../batch/inputs.js';
import { commandLine } from '../command-line.js';
import { parseWindow } from '../../series/group.js';
import type { Series } from '../../series/run.js';
import { SatcountError } from '../../types.js';
import { acquiredOptionsFrom, addAcquiredOptions } from '../acquired-options.js';
import { addModelOptions, addRoadOptions, modelOptionsFrom, type ModelFlags } from '../common-options.js';
import { shard } from '../parse.js';
import { action, EXIT, loggerFor, userMessage, type GlobalFlags } from '../run-command.js';
import { roadOptionsFrom, type RoadFlags } from './road-flags.js';

interface SeriesFlags extends ModelFlags, RoadFlags, GlobalFlags {
  outDir: string;
  groupWindow: string;
  shard?: { index: number; count: number };
  force?: boolean;
  report?: string;
  date?: string;
  dateFromName?: string;
}

function km(m: number | undefined): string {
  return m === undefined ? '—' : m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`;
}

/** One line per acquisition, then the totals. */
function humanSeries(s: Series, csv: string): string {
  const lines = s.rows.map((r) => {
    if (r.status === 'failed') return `${r.acquired}  failed: ${r.error}`;
    const q = r.queues;
    const growth = r.growth_per_hour ? `, queue forward ${r.growth_per_hour.queue_forward_m >= 0 ? '+' : ''}${r.growth_per_hour.queue_forward_m} m/h` : '';
    return `${r.acquired}  ${r.vehicles} vehicles${r.by_direction ? ` (forward ${r.by_direction.forward}, backward ${r.by_direction.backward})` : ''}${q ? `, queue forward ${km(q.forward?.length_m ?? 0)}, backward ${km(q.backward?.length_m ?? 0)}` : ''}${growth}`;
  });
  lines.push(`${s.acquisitions} acquisitions: ${s.ok} counted, ${s.skipped} up to date, ${s.failed} failed → ${csv}`);
  return lines.join('\n') + '\n';
}

export function seriesCommand(signal: AbortSignal): Command {
  const cmd = new Command('series')
    .description('one road over time: count each acquisition, in time order (series.json, series.csv, series.png); resumable')
    .argument('<inputs...>', 'images, folders (searched recursively) or glob patterns')
    .requiredOption('--out-dir <dir>', 'folder for each acquisition\'s result and the series files')
    .option('--group-window <duration>', 'images taken within this time of each other are one acquisition (e.g. 30s, 10m)', '0s')
    .option('--shard <i/n>', 'take part i of n of the acquisitions, in time order (array jobs)', shard)
    .option('--force', "recount acquisitions whose results are up to date, and count images whose pixel size is far outside the model's validated range")
    .option('--report <file.html>', 'write one self-contained HTML report: the time chart, a row and a view per acquisition');
  addAcquiredOptions(cmd);
  addModelOptions(cmd);
  addRoadOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Acquisition times come from --date, --date-from-name, GDAL's ACQUISITIONDATETIME, a Maxar .IMD or
.XML sidecar, or the TIFF DateTime tag, in that order; images with none are refused (exit 2).

Exit codes: 0 every acquisition counted · 4 finished, but some failed (each row says why)
            2 bad usage or input · 3 model problem · 130 interrupted

Examples:
  $ satcount series scenes/ --road border.geojson --out-dir border-series/ --report border.html
  $ satcount series 'archive/*.tif' --road border.geojson --date-from-name '%Y%m%d' --out-dir s/`,
  );
  return cmd.action(
    action(async (inputs: string[], flags: SeriesFlags) => {
      if (!flags.road) throw new SatcountError('series: --road is required (the road whose queue is followed over time)');
      const acquired = acquiredOptionsFrom(flags);
      const groupWindow_ms = parseWindow(flags.groupWindow);
      const logger = loggerFor(flags);
      const all = await expandInputs(inputs);
      const { runSeries, seriesFiles } = await import('../../series/run.js'); // the pipeline, loaded on use
      const series = await runSeries({
        inputs: all,
        outDir: flags.outDir,
        run: { ...modelOptionsFrom(flags), ...roadOptionsFrom(flags), force: flags.force, logger, signal },
        acquired,
        groupWindow_ms,
        shard: flags.shard,
        force: flags.force,
        report: flags.report,
        command: commandLine(['satcount', ...process.argv.slice(2)]),
        describeError: userMessage,
        logger,
        signal,
        onAcquisitionDone: (row, done, total) => logger.info({ acquired: row.acquired, status: row.status, vehicles: row.vehicles, error: row.error ?? undefined, done, of: total }, 'acquisition done'),
      });
      process.stdout.write(flags.json ? JSON.stringify(series, null, 2) + '\n' : humanSeries(series, seriesFiles(flags.outDir).csv));
      for (const r of series.rows) if (r.status === 'failed') process.stderr.write(`satcount: ${r.error}\n`);
      return series.failed > 0 ? EXIT.batchFailures : EXIT.ok;
    }),
  );
}
