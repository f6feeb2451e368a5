import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import sharp from 'sharp';
import { failureMessage, isModelProblem } from '../batch/failure.js';
import { resultSettings, runKey } from '../batch/key.js';
import { prepareOutputs } from '../batch/outdir.js';
import { shardInputs } from '../batch/inputs.js';
import { modelPathOf, openDetector } from '../pipeline/detectors.js';
import type { CountResult } from '../pipeline/result.js';
import { runCount, type RunOptions } from '../pipeline/run.js';
import { readAcquisition, type AcquiredOptions } from '../raster/acquired.js';
import { readOptions } from '../raster/common.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readModelFacts } from '../report/html/model-facts.js';
import { reportHtml, type ReportIndex } from '../report/html/report.js';
import { viewsOfSaved } from '../report/html/view.js';
import { SatcountError } from '../types.js';
import { VERSION } from '../version.js';
import { acquisitionStem, groupAcquisitions, type AcquisitionGroup, type DatedImage } from './group.js';
import { seriesChartSvg } from './plot.js';
import { countedRow, failedRow, seriesCsv, withChanges, type SeriesRow } from './rows.js';

export interface SeriesOptions {
  /** Image paths (already expanded from folders and globs). */
  inputs: string[];
  outDir: string;
  /** Settings for every acquisition; the detector is loaded once and shared. */
  run: Omit<RunOptions, 'detector' | 'onProgress'>;
  acquired: AcquiredOptions;
  /** Images taken within this many milliseconds of an acquisition's first are part of it. */
  groupWindow_ms: number;
  shard?: { index: number; count: number };
  force?: boolean;
  /** One self-contained HTML page for the whole series. */
  report?: string;
  /** The command line, for the report. */
  command?: string;
  /** How a user-caused error reads on a row (the CLI names its flags). */
  describeError?: (e: SatcountError) => string;
  logger: Logger;
  signal?: AbortSignal;
  onAcquisitionDone?: (row: SeriesRow, done: number, total: number) => void;
}

/** series.json */
export interface Series {
  satcount: string;
  road: string | null;
  group_window_s: number;
  acquisitions: number;
  ok: number;
  skipped: number;
  failed: number;
  rows: SeriesRow[];
}

type SeriesResult = CountResult & { series?: { key?: string } };

/** The files a series writes in its folder, beside each acquisition's `<time>.json`. */
export function seriesFiles(outDir: string) {
  return { json: join(outDir, 'series.json'), csv: join(outDir, 'series.csv'), plot: join(outDir, 'series.png') };
}

/**
 * Reads every input's acquisition time and refuses, naming them, the images that have none:
 * a row without a time could not be put in order.
 */
export async function datedInputs(inputs: string[], opts: AcquiredOptions): Promise<DatedImage[]> {
  const found = await Promise.all(inputs.map(async (path) => ({ path, ...(await readAcquisition(path, opts)) })));
  const missing = found.filter((f) => f.acquired === null).map((f) => f.path);
  if (missing.length > 0) {
    const names = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
    throw new SatcountError(
      `no acquisition time for ${missing.length} image${missing.length === 1 ? '' : 's'}: ${names} (no TIFF DateTime tag, GDAL ACQUISITIONDATETIME, .IMD or .XML sidecar; give --date or --date-from-name)`,
    );
  }
  return found.map((f) => ({ path: f.path, acquired: f.acquired!, acquired_from: f.acquired_from! }));
}

/**
 * Counts each acquisition of a road, in time order, and writes series.json, series.csv and
 * series.png (and the report). Resumable: an acquisition whose result in the folder was made from
 * the same images, model, road and settings is not counted again. A failing acquisition becomes a
 * row that says why; the others go on.
 */
export async function runSeries(o: SeriesOptions): Promise<Series> {
  const dated = await datedInputs(o.inputs, o.acquired);
  const acquisitions = shardInputs(groupAcquisitions(dated, o.groupWindow_ms), o.shard);
  await prepareOutputs(o.outDir, o.report);
  const modelPath = modelPathOf(o.run);
  const detector = await openDetector({ ...o.run, model: modelPath });
  const settings = resultSettings(o.run, detector.info);
  const rows: SeriesRow[] = [];

  const one = async (acq: AcquisitionGroup): Promise<SeriesRow> => {
    const file = `${acquisitionStem(acq.acquired)}.json`;
    const out = join(o.outDir, file);
    const paths = acq.images.map((i) => i.path);
    const keys = await Promise.all(paths.map((p) => runKey(p, modelPath, o.run.road?.path, settings)));
    const key = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
    if (!o.force) {
      const prev = await readFile(out, 'utf8').then((t) => JSON.parse(t) as SeriesResult, () => null);
      if (prev?.series?.key === key) return countedRow(acq, 'skipped', file, prev);
    }
    await rm(out, { force: true });
    try {
      // The tiles of one acquisition are one mosaic: one count, queues continuous across tile edges.
      const run = await runCount(paths, { ...o.run, detector });
      try {
        const r = run.result;
        const result: SeriesResult = {
          ...r,
          image: { ...r.image, acquired: acq.acquired, acquired_from: acq.images[0].acquired_from },
          series: { key },
        };
        await writeFileAtomic(out, JSON.stringify(result, null, 2) + '\n');
        return countedRow(acq, 'ok', file, result);
      } finally {
        await run.close();
      }
    } catch (e) {
      if ((e as Error)?.name === 'AbortError' || isModelProblem(e)) throw e;
      const message = failureMessage(paths, e, o.describeError);
      o.logger.debug({ images: paths, err: e }, message);
      return failedRow(acq, message);
    }
  };

  try {
    for (const acq of acquisitions) {
      o.signal?.throwIfAborted();
      const row = await one(acq);
      rows.push(row);
      o.onAcquisitionDone?.(row, rows.length, acquisitions.length);
    }
  } finally {
    await detector.close();
  }
  o.signal?.throwIfAborted();

  const ordered = withChanges(rows);
  const series: Series = {
    satcount: VERSION,
    road: o.run.road?.path ?? null,
    group_window_s: o.groupWindow_ms / 1000,
    acquisitions: ordered.length,
    ok: ordered.filter((r) => r.status === 'ok').length,
    skipped: ordered.filter((r) => r.status === 'skipped').length,
    failed: ordered.filter((r) => r.status === 'failed').length,
    rows: ordered,
  };
  const files = seriesFiles(o.outDir);
  const chart = seriesChartSvg(ordered);
  await writeFileAtomic(files.plot, await sharp(Buffer.from(chart)).png().toBuffer());
  await writeFileAtomic(files.csv, seriesCsv(ordered));
  if (o.report) await writeFileAtomic(o.report, await seriesReport(o, ordered, chart));
  // series.json last: its presence says the rest of the folder is complete.
  await writeFileAtomic(files.json, JSON.stringify(series, null, 2) + '\n');
  return series;
}

async function seriesReport(o: SeriesOptions, rows: SeriesRow[], chart: string): Promise<string> {
  const viewId = (row: SeriesRow) => (row.result ? `acq-${acquisitionStem(row.acquired)}` : null);
  const saved = rows
    .filter((r) => r.result)
    .map((r) => ({ id: viewId(r)!, title: `${r.acquired} — ${r.images.join(', ')}`, resultFile: join(o.outDir, r.result!), image: r.images[0] }));
  const views = await viewsOfSaved(saved, { ...readOptions(o.run), signal: o.signal }, o.run.road);
  const q = (row: SeriesRow, d: 'forward' | 'backward') => (row.queues ? row.queues[d]?.length_m ?? 0 : null);
  const index: ReportIndex = {
    title: 'Over time',
    chartSvg: chart,
    columns: ['acquired (UTC)', 'images', 'vehicles', 'forward', 'backward', 'queue forward (m)', 'queue backward (m)', 'status'],
    rows: rows.map((row) => ({
      cells: [row.acquired, row.images.length, row.vehicles, row.by_direction?.forward ?? null, row.by_direction?.backward ?? null, q(row, 'forward'), q(row, 'backward'), row.error ? `failed: ${row.error}` : row.status],
      view: viewId(row),
      failed: row.status === 'failed',
    })),
  };
  return reportHtml({
    title: `satcount series: ${rows.length} acquisitions${o.run.road ? ` of ${basename(o.run.road.path)}` : ''}`,
    command: o.command ?? 'satcount series',
    generated: new Date().toISOString(),
    version: VERSION,
    views,
    model: await readModelFacts(modelPathOf(o.run)),
    index,
  });
}
