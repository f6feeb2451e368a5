import { Command } from 'commander';
import { batchInputs, expandInputs, shardInputs } from '../../batch/inputs.js';
import { mergeSummaries, readSummary, rebaseResults, summaryCsv, writeSummary, type Summary } from '../../batch/summary.js';
import { makeOutputDir } from '../../io/atomic.js';
import { commandLine } from '../command-line.js';
import { VERSION } from '../../version.js';
import { acquiredOptionsFrom, addAcquiredOptions } from '../acquired-options.js';
import { addBatchOutputOptions, addModelOptions, addRoadOptions, batchOutputsFrom, modelOptionsFrom, type ModelFlags } from '../common-options.js';
import { positiveInt, shard } from '../parse.js';
import { barsShown, batchProgress } from '../progress.js';
import { action, EXIT, loggerFor, userMessage, type GlobalFlags } from '../run-command.js';
import { roadOptionsFrom, type RoadFlags } from './road-flags.js';

interface BatchFlags extends ModelFlags, RoadFlags, GlobalFlags {
  outDir: string;
  concurrency: number;
  shard?: { index: number; count: number };
  force?: boolean;
  report?: string;
  date?: string;
  dateFromName?: string;
}

function summaryLine(s: Summary): string {
  const warned = s.rows.filter((r) => (r.warnings ?? []).length > 0).length;
  return `${s.images} images: ${s.ok} counted, ${s.skipped} up to date, ${s.failed} failed${warned > 0 ? `, ${warned} with warnings (see summary.csv)` : ''}`;
}

export function batchCommand(signal: AbortSignal): Command {
  const cmd = new Command('batch')
    .description('count over many images: one result per image plus summary.json/summary.csv; resumable')
    .argument('<inputs...>', 'folders (searched recursively), files, GDAL .vrt mosaics, glob patterns or http(s) URLs')
    .requiredOption('--out-dir <dir>', 'folder for results and the summary')
    .option('--concurrency <n>', 'images in flight at once (inference already uses every core)', positiveInt, 1)
    .option('--shard <i/n>', 'take part i of n of the sorted inputs (array jobs)', shard)
    .option('--force', "recount images whose results are up to date, and count images whose pixel size is far outside the model's validated range")
    .option('--report <file.html>', 'write one self-contained HTML report: a row and a view per image');
  addBatchOutputOptions(cmd);
  addAcquiredOptions(cmd);
  addModelOptions(cmd);
  addRoadOptions(cmd);
  cmd.addHelpText(
    'after',
    `
An image whose result in --out-dir was made from the same image file, model, road and settings is
skipped, so a killed run picks up where it stopped. Shards take every n-th image of the sorted list.
A .vrt, or a vendor's tiles of one product (P001_R1C1.TIF, P001_R1C2.TIF, …), is one mosaic: one row.

Exit codes: 0 every image counted · 4 finished, but some images failed (see summary.csv)
            2 bad usage · 3 model problem · 130 interrupted

Examples:
  $ satcount batch scenes/ --out-dir results/
  $ satcount batch 'scenes/**/*.tif' --road road.geojson --out-dir results-3/ --shard 3/8
  $ satcount batch scenes/ --road road.geojson --out-dir results/ --report results/report.html
  $ satcount summary results-*/ --out-dir results/`,
  );
  return cmd.action(
    action(async (inputs: string[], flags: BatchFlags) => {
      const outputs = batchOutputsFrom(flags as BatchFlags & Record<string, unknown>);
      const acquired = acquiredOptionsFrom(flags);
      const logger = loggerFor(flags);
      // A VRT, or a vendor's tiles of one product, is one entry: one count, one row.
      const all = await batchInputs(await expandInputs(inputs, { vrt: true }));
      const mine = shardInputs(all, flags.shard);
      logger.info({ inputs: all.length, shard: flags.shard ?? null, images: mine.length }, 'batch start');
      // On a terminal the bar says what the per-image log lines would; they would only break it up.
      const showBar = barsShown(flags);
      const progress = batchProgress(showBar);
      let failed = 0;
      progress.update(0, mine.length, { failed });
      const { runBatch } = await import('../../batch/run.js'); // the pipeline, loaded on use
      const summary = await runBatch({
        inputs: mine,
        outDir: flags.outDir,
        concurrency: flags.concurrency,
        force: flags.force,
        // Per-image info lines ("reading 6 tiles") would break the bar up too; warnings still show.
        run: { ...modelOptionsFrom(flags), ...roadOptionsFrom(flags), acquired, force: flags.force, logger: showBar && !flags.logLevel ? logger.child({}, { level: 'warn' }) : logger, signal },
        outputs,
        report: flags.report,
        command: commandLine(['satcount', ...process.argv.slice(2)]),
        describeError: userMessage,
        logger,
        signal,
        onImageDone: (row, done, total) => {
          if (row.status === 'failed') failed++;
          if (showBar) progress.update(done, total, { failed });
          else logger.info({ image: row.image, status: row.status, total: row.total, error: row.error ?? undefined, done, of: total }, 'image done');
        },
      }).finally(progress.stop);
      if (flags.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(`${summaryLine(summary)} → ${flags.outDir}/summary.csv\n`);
      for (const r of summary.rows) if (r.status === 'failed') process.stderr.write(`satcount: ${r.error}\n`);
      return summary.failed > 0 ? EXIT.batchFailures : EXIT.ok;
    }),
  );
}

export function summaryCommand(): Command {
  return new Command('summary')
    .description('merge the summaries of several batch output folders (e.g. shards run on different machines)')
    .argument('<dirs...>', 'batch --out-dir folders')
    .option('--out-dir <dir>', 'write the merged summary.json and summary.csv here (default: CSV on stdout)')
    .addHelpText(
      'after',
      `
Exit codes: 0 every image counted · 4 some images failed · 2 a folder has no readable summary.json

Example:
  $ satcount summary results-*/ --out-dir results/`,
    )
    .action(
      action(async (dirs: string[], flags: { outDir?: string } & GlobalFlags) => {
        // Result paths follow the merged summary: relative to --out-dir, else to where the user stands.
        const target = flags.outDir ?? '.';
        const summaries = await Promise.all(dirs.map(async (d) => rebaseResults(await readSummary(d), d, target)));
        const merged = mergeSummaries(VERSION, summaries);
        if (flags.outDir) {
          // Like batch, summary makes its one --out-dir folder (never missing parents).
          await makeOutputDir(flags.outDir);
          await writeSummary(flags.outDir, merged);
        }
        if (flags.json) process.stdout.write(JSON.stringify(merged, null, 2) + '\n');
        else if (!flags.outDir) process.stdout.write(summaryCsv(merged));
        else process.stdout.write(`${summaryLine(merged)} → ${flags.outDir}/summary.csv\n`);
        for (const r of merged.rows) if (r.status === 'failed') process.stderr.write(`satcount: ${r.error}\n`);
        return merged.failed > 0 ? EXIT.batchFailures : EXIT.ok;
      }),
    );
}
