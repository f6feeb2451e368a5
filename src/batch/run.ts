import { access, readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { modelPathOf, openDetector } from '../pipeline/detectors.js';
import { checkRunOptions, resolveOverlap } from '../pipeline/settings.js';
import type { CountResult } from '../pipeline/result.js';
import { runCount, type RunOptions } from '../pipeline/run.js';
import { batchFiles, OUTPUTS, writeOutputs, type OutputKey, type OutputKind, type OutputOptions } from '../report/outputs.js';
import { SatcountError } from '../types.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../io/atomic.js';
import { failureMessage, isModelProblem } from './failure.js';
import { inputLabel, type BatchInput } from './inputs.js';
import { resultSettings, runKey } from './key.js';
import { batchReportHtml } from './report.js';
import { outputStems } from './names.js';
import { prepareOutputs } from './outdir.js';
import { failedRow, makeSummary, rowFromResult, writeSummary, type Summary, type SummaryRow } from './summary.js';

/** Extra per-image outputs beside the result JSON, by output kind (report/outputs.ts). */
export type BatchOutputs = Partial<Record<Exclude<OutputKey, 'out'>, boolean>> & { geojsonBoxes?: boolean };

export interface BatchOptions {
  /** Images, and mosaics counted as one image each (batchInputs). */
  inputs: BatchInput[];
  outDir: string;
  concurrency: number;
  force?: boolean;
  /** Settings for every image; the detector is loaded once and shared. */
  run: Omit<RunOptions, 'detector' | 'onProgress'>;
  /** Extra per-image outputs beside the result JSON. */
  outputs: BatchOutputs;
  /** One HTML page for the whole batch: a row and a view per image. */
  report?: string;
  /** The command line, for the HTML reports. */
  command?: string;
  logger: Logger;
  signal?: AbortSignal;
  onImageDone?: (row: SummaryRow, done: number, total: number) => void;
  /** How an image's error reads in the summary; default its message (the CLI names flags instead of options). */
  describeError?: (e: SatcountError) => string;
}

type BatchResult = CountResult & { batch?: { key?: string } };

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The extra outputs asked for that this result can have (no GeoJSON without georeferencing). */
function extras(outputs: BatchOutputs, r: CountResult): OutputKind[] {
  return OUTPUTS.filter((k) => k.key !== 'out' && outputs[k.key as keyof BatchOutputs] && k.possible(r));
}

/** The earlier result, if it was made from the same key and every extra file asked for is there. */
async function upToDate(files: Record<OutputKey, string>, key: string, outputs: BatchOutputs): Promise<BatchResult | null> {
  let r: BatchResult;
  try {
    r = JSON.parse(await readFile(files.out, 'utf8')) as BatchResult;
  } catch {
    return null;
  }
  if (r.batch?.key !== key) return null;
  for (const k of extras(outputs, r)) if (!(await exists(files[k.key]))) return null;
  return r;
}

/**
 * Counts every input, writing one result per image as it finishes, so a killed run keeps what it
 * finished and a restart does only the rest. One failing image becomes an error row; the rest go on.
 * A model problem stops the batch with that error; so does an abort.
 */
export async function runBatch(o: BatchOptions): Promise<Summary> {
  checkRunOptions(o.run);
  await prepareOutputs(o.outDir, o.report);
  const modelPath = modelPathOf(o.run);
  const detector = await openDetector({ ...o.run, model: modelPath });
  try {
    resolveOverlap(o.run.overlap, detector.info);
  } catch (e) {
    await detector.close();
    throw e;
  }
  const stems = outputStems(o.inputs.map(inputLabel));
  const settings = resultSettings(o.run, detector.info);
  const rows: SummaryRow[] = [];
  let next = 0;
  let fatal: unknown = null;

  const one = async (input: BatchInput): Promise<SummaryRow> => {
    const image = inputLabel(input);
    const images = typeof input === 'string' ? [input] : input.images;
    const stem = stems.get(image)!;
    const files = batchFiles(o.outDir, stem);
    const key = await runKey(images, modelPath, o.run.road?.path, settings);
    if (!o.force) {
      const prev = await upToDate(files, key, o.outputs);
      if (prev) return rowFromResult(image, 'skipped', basename(files.out), prev);
    }
    // An earlier result must not outlive a recount that fails or is cut short: its presence with
    // this key would mark the image done. Its side files go too, so none disagree with the result.
    await Promise.all(Object.values(files).map((f) => rm(f, { force: true })));
    try {
      const run = await runCount(images, { ...o.run, detector });
      try {
        const result = { ...run.result, batch: { key } };
        const paths: OutputOptions = { geojsonBoxes: o.outputs.geojsonBoxes, command: o.command, out: files.out };
        for (const k of extras(o.outputs, result)) paths[k.key] = files[k.key];
        // writeOutputs writes the result JSON last: its presence with a matching key marks an image done.
        await writeOutputs({ ...run, result }, paths);
        return rowFromResult(image, 'ok', basename(files.out), result);
      } finally {
        await run.close();
      }
    } catch (e) {
      if ((e as Error)?.name === 'AbortError' || isModelProblem(e)) throw e;
      const message = failureMessage(images, e, o.describeError);
      o.logger.debug({ image, err: e }, message);
      return failedRow(image, message);
    }
  };

  const worker = async () => {
    while (next < o.inputs.length && fatal === null && !o.signal?.aborted) {
      const input = o.inputs[next++];
      try {
        const row = await one(input);
        rows.push(row);
        o.onImageDone?.(row, rows.length, o.inputs.length);
      } catch (e) {
        fatal ??= e;
      }
    }
  };
  try {
    // Workers never reject, so the detector is closed only once every image in flight is done.
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.inputs.length)) }, worker));
  } finally {
    await detector.close();
  }
  if (fatal !== null) throw fatal;
  o.signal?.throwIfAborted();
  const summary = makeSummary(VERSION, rows);
  if (o.report) await writeFileAtomic(o.report, await batchReportHtml(o.outDir, summary, o.run, o.command ?? 'satcount batch'));
  await writeSummary(o.outDir, summary);
  return summary;
}
