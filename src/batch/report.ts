import { basename, join } from 'node:path';
import type { RunOptions } from '../pipeline/run.js';
import { modelPathOf } from '../pipeline/detectors.js';
import { readOptions } from '../raster/common.js';
import { readModelFacts } from '../report/html/model-facts.js';
import { reportHtml } from '../report/html/report.js';
import { viewsOfSaved } from '../report/html/view.js';
import { VERSION } from '../version.js';
import type { Summary } from './summary.js';

/**
 * A batch's page: one row per image (linking to its view) and a view of every counted image,
 * drawn from its result in the batch folder with the image reopened at reduced size.
 */
export async function batchReportHtml(outDir: string, summary: Summary, run: Omit<RunOptions, 'detector' | 'onProgress'>, command: string): Promise<string> {
  const viewId = (i: number) => `image-${i + 1}`;
  const saved = summary.rows.flatMap((r, i) => (r.result ? [{ id: viewId(i), title: r.image, resultFile: join(outDir, r.result), image: r.image }] : []));
  const views = await viewsOfSaved(saved, { ...readOptions(run), signal: run.signal }, run.road);
  return reportHtml({
    title: `satcount batch: ${summary.images} images`,
    command,
    generated: new Date().toISOString(),
    version: VERSION,
    views,
    model: await readModelFacts(modelPathOf(run)),
    index: {
      title: 'Images',
      columns: ['image', 'vehicles', 'on road', 'forward', 'backward', 'longest queue (m)', 'estimated', 'status'],
      rows: summary.rows.map((r, i) => ({
        cells: [basename(r.image), r.total, r.on_road, r.forward, r.backward, r.queue_length_m, r.vehicles_estimated, r.error ? `failed: ${r.error}` : r.status],
        view: r.result ? viewId(i) : null,
        failed: r.status === 'failed',
      })),
    },
  });
}
