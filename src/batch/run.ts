import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadModel } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import type { CountResult } from '../pipeline/result.js';
import { runCount, writeOutputs, type RunOptions } from '../pipeline/run.js';
import { SatcountError } from '../types.js';
import { VERSION } from '../version.js';
import { runKey } from './key.js';
import { outputStems } from './names.js';
import { failedRow, makeSummary, rowFromResult, writeSummary, type Summary, type SummaryRow } from './summary.js';

export interface BatchOptions {
  inputs: string[];
  outDir: string;
  concurrency: number;
  force?: boolean;
  /** Settings for every image; the detector is loaded once and shared. */
  run: Omit<RunOptions, 'detector' | 'onProgress'>;
  /** Extra per-image outputs beside the result JSON. */
  outputs: { geojson?: boolean; geojsonBoxes?: boolean; csv?: boolean; overlay?: boolean };
  logger: Logger;
  signal?: AbortSignal;
  onImageDone?: (row: SummaryRow, done: number, total: number) => void;
}

async function existingResult(path: string, key: string): Promise<CountResult | null> {
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as CountResult & { batch?: { key?: string } };
    return r.batch?.key === key ? r : null;
  } catch {
    return null;
  }
}

/**
 * Counts every input, writing one result per image as it finishes, so a killed run keeps what it
 * finished and a restart does only the rest. One failing image becomes an error row; the rest go on.
 */
export async function runBatch(o: BatchOptions): Promise<Summary> {
  const modelPath = o.run.model ?? DEFAULT_MODEL_PATH;
  const detector = await loadModel(modelPath, o.run.modelOverrides);
  const stems = outputStems(o.inputs);
  const rows: SummaryRow[] = [];
  let next = 0;
  const params = { ...o.run, logger: undefined, signal: undefined, model: modelPath, threshold: detector.info.score_threshold, nms_iou: detector.info.nms_iou, outputs: o.outputs };

  const one = async (image: string): Promise<SummaryRow> => {
    const stem = stems.get(image)!;
    const resultPath = join(o.outDir, `${stem}.json`);
    const key = await runKey(image, modelPath, o.run.road?.path, params);
    if (!o.force) {
      const prev = await existingResult(resultPath, key);
      if (prev) return rowFromResult(image, 'skipped', resultPath, prev);
    }
    try {
      const run = await runCount(image, { ...o.run, detector });
      try {
        const result = { ...run.result, batch: { key } };
        await writeOutputs(
          { ...run, result },
          {
            geojson: o.outputs.geojson && run.source.georef ? join(o.outDir, `${stem}.geojson`) : undefined,
            geojsonBoxes: o.outputs.geojsonBoxes,
            csv: o.outputs.csv ? join(o.outDir, `${stem}.csv`) : undefined,
            overlay: o.outputs.overlay ? join(o.outDir, `${stem}.png`) : undefined,
          },
        );
        // The result JSON goes last: its presence with a matching key is what marks an image done.
        await writeOutputs({ ...run, result }, { out: resultPath });
        return rowFromResult(image, 'ok', resultPath, result);
      } finally {
        await run.close();
      }
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      const message = e instanceof SatcountError ? e.message : `internal error: ${(e as Error)?.message ?? e}`;
      o.logger.error({ image }, message);
      return failedRow(image, message);
    }
  };

  const worker = async () => {
    while (next < o.inputs.length) {
      o.signal?.throwIfAborted();
      const image = o.inputs[next++];
      const row = await one(image);
      rows.push(row);
      o.onImageDone?.(row, rows.length, o.inputs.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.inputs.length)) }, worker));
  } finally {
    await detector.close();
  }
  const summary = makeSummary(VERSION, rows);
  await writeSummary(o.outDir, summary);
  return summary;
}
