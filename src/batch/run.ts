import { access, readFile, rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadModel } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import type { CountResult } from '../pipeline/result.js';
import { runCount, writeOutputs, type RunOptions } from '../pipeline/run.js';
import { SatcountError } from '../types.js';
import { VERSION } from '../version.js';
import { resultSettings, runKey } from './key.js';
import { imageFiles, outputStems, type ImageFiles } from './names.js';
import { prepareOutDir } from './outdir.js';
import { failedRow, makeSummary, rowFromResult, writeSummary, type Summary, type SummaryRow } from './summary.js';

export interface BatchOutputs {
  geojson?: boolean;
  geojsonBoxes?: boolean;
  csv?: boolean;
  overlay?: boolean;
  /** A density profile plot per image (needs a road). */
  profilePlot?: boolean;
}

export interface BatchOptions {
  inputs: string[];
  outDir: string;
  concurrency: number;
  force?: boolean;
  /** Settings for every image; the detector is loaded once and shared. */
  run: Omit<RunOptions, 'detector' | 'onProgress'>;
  /** Extra per-image outputs beside the result JSON. */
  outputs: BatchOutputs;
  logger: Logger;
  signal?: AbortSignal;
  onImageDone?: (row: SummaryRow, done: number, total: number) => void;
}

type BatchResult = CountResult & { batch?: { key?: string } };

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The earlier result, if it was made from the same key and every extra file asked for is there. */
async function upToDate(files: ImageFiles, key: string, outputs: BatchOutputs): Promise<BatchResult | null> {
  let r: BatchResult;
  try {
    r = JSON.parse(await readFile(files.result, 'utf8')) as BatchResult;
  } catch {
    return null;
  }
  if (r.batch?.key !== key) return null;
  const wanted = [
    outputs.geojson && r.image?.georeferenced ? files.geojson : null,
    outputs.csv ? files.csv : null,
    outputs.overlay ? files.overlay : null,
    outputs.profilePlot && r.profile ? files.profilePlot : null,
  ].filter((f): f is string => f !== null);
  for (const f of wanted) if (!(await exists(f))) return null;
  return r;
}

/** One line naming the image, whatever the error looked like. */
function failureMessage(image: string, e: unknown): string {
  const raw = e instanceof SatcountError ? e.message : `internal error: ${(e as Error)?.message ?? e}`;
  const line = raw.split('\n')[0];
  return line.includes(image) || line.includes(basename(image)) ? line : `${image}: ${line}`;
}

/** Errors that would fail every image alike: stop the batch rather than fail each row. */
const isModelProblem = (e: unknown) => e instanceof SatcountError && e.exitCode === 3;

/**
 * Counts every input, writing one result per image as it finishes, so a killed run keeps what it
 * finished and a restart does only the rest. One failing image becomes an error row; the rest go on.
 * A model problem stops the batch with that error; so does an abort.
 */
export async function runBatch(o: BatchOptions): Promise<Summary> {
  await prepareOutDir(o.outDir);
  const modelPath = resolve(o.run.model ?? DEFAULT_MODEL_PATH);
  const detector = await loadModel(modelPath, o.run.modelOverrides);
  const stems = outputStems(o.inputs);
  const settings = resultSettings(o.run, detector.info);
  const rows: SummaryRow[] = [];
  let next = 0;
  let fatal: unknown = null;

  const one = async (image: string): Promise<SummaryRow> => {
    const stem = stems.get(image)!;
    const files = imageFiles(o.outDir, stem);
    const key = await runKey(image, modelPath, o.run.road?.path, settings);
    if (!o.force) {
      const prev = await upToDate(files, key, o.outputs);
      if (prev) return rowFromResult(image, 'skipped', basename(files.result), prev);
    }
    // An earlier result must not outlive a recount that fails or is cut short: its presence with
    // this key would mark the image done. Its side files go too, so none disagree with the result.
    await Promise.all(Object.values(files).map((f) => rm(f, { force: true })));
    try {
      const road = o.run.road && { ...o.run.road, profilePlot: o.outputs.profilePlot ? files.profilePlot : undefined };
      const run = await runCount(image, { ...o.run, road, detector });
      try {
        const result = { ...run.result, batch: { key } };
        await writeOutputs(
          { ...run, result },
          {
            geojson: o.outputs.geojson && run.source.georef ? files.geojson : undefined,
            geojsonBoxes: o.outputs.geojsonBoxes,
            csv: o.outputs.csv ? files.csv : undefined,
            overlay: o.outputs.overlay ? files.overlay : undefined,
          },
        );
        // The result JSON goes last: its presence with a matching key is what marks an image done.
        await writeOutputs({ ...run, result, road: null }, { out: files.result });
        return rowFromResult(image, 'ok', basename(files.result), result);
      } finally {
        await run.close();
      }
    } catch (e) {
      if ((e as Error)?.name === 'AbortError' || isModelProblem(e)) throw e;
      const message = failureMessage(image, e);
      o.logger.debug({ image, err: e }, message);
      return failedRow(image, message);
    }
  };

  const worker = async () => {
    while (next < o.inputs.length && fatal === null && !o.signal?.aborted) {
      const image = o.inputs[next++];
      try {
        const row = await one(image);
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
  await writeSummary(o.outDir, summary);
  return summary;
}
