import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { CountResult } from '../pipeline/result.js';
import { csvRow } from '../report/csv.js';
import { writeFileAtomic } from '../io/atomic.js';
import { SatcountError } from '../types.js';

export type RowStatus = 'ok' | 'skipped' | 'failed';

/** One image in a batch summary. `skipped` means an up-to-date result already existed. */
export interface SummaryRow {
  image: string;
  status: RowStatus;
  error: string | null;
  /** The result JSON, relative to the folder of the summary that lists it. */
  result: string | null;
  total: number | null;
  on_road: number | null;
  forward: number | null;
  backward: number | null;
  queue_length_m: number | null;
  vehicles_estimated: number | null;
  seconds: number | null;
  /** The result's `warnings[]` (pixel size, grey input, …): a batch must not bury them. */
  warnings: string[];
}

export interface Summary {
  satcount: string;
  images: number;
  ok: number;
  skipped: number;
  failed: number;
  rows: SummaryRow[];
}

export function rowFromResult(image: string, status: RowStatus, resultFile: string, r: CountResult): SummaryRow {
  const longest = r.queues.reduce<CountResult['queues'][number] | null>((a, q) => (!a || q.length_m > a.length_m ? q : a), null);
  return {
    image,
    status,
    error: null,
    result: resultFile,
    total: r.counts.total,
    on_road: r.counts.on_road,
    forward: r.counts.by_direction?.forward ?? null,
    backward: r.counts.by_direction?.backward ?? null,
    queue_length_m: longest ? longest.length_m : r.counts.by_direction ? 0 : null,
    vehicles_estimated: longest ? longest.vehicles_estimated : null,
    seconds: status === 'ok' ? r.timing.total_s : null,
    warnings: r.warnings ?? [],
  };
}

export function failedRow(image: string, error: string): SummaryRow {
  return { image, status: 'failed', error, result: null, total: null, on_road: null, forward: null, backward: null, queue_length_m: null, vehicles_estimated: null, seconds: null, warnings: [] };
}

export function makeSummary(version: string, rows: SummaryRow[]): Summary {
  const sorted = [...rows].sort((a, b) => a.image.localeCompare(b.image));
  const n = (s: RowStatus) => sorted.filter((r) => r.status === s).length;
  return { satcount: version, images: sorted.length, ok: n('ok'), skipped: n('skipped'), failed: n('failed'), rows: sorted };
}

const COLUMNS: (keyof SummaryRow)[] = ['image', 'status', 'total', 'on_road', 'forward', 'backward', 'queue_length_m', 'vehicles_estimated', 'seconds', 'result', 'error', 'warnings'];

export function summaryCsv(s: Summary): string {
  // Summaries written before `warnings` existed lack it (satcount summary merges old folders).
  const cell = (r: SummaryRow, c: keyof SummaryRow) => (c === 'warnings' ? (r.warnings ?? []).join('; ') : r[c]);
  return [COLUMNS.join(','), ...s.rows.map((r) => csvRow(COLUMNS.map((c) => cell(r, c))))].join('\n') + '\n';
}

export async function writeSummary(dir: string, s: Summary): Promise<void> {
  await writeFileAtomic(join(dir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'summary.csv'), summaryCsv(s));
}

export async function readSummary(dir: string): Promise<Summary> {
  const file = join(dir, 'summary.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SatcountError(`${dir}: no summary.json here; is it a satcount batch --out-dir?`);
    throw new SatcountError(`${file}: cannot read batch summary (${code ?? (e as Error).message})`);
  }
  try {
    const s = JSON.parse(text) as Summary;
    if (!Array.isArray(s.rows)) throw new Error('no rows');
    return s;
  } catch {
    throw new SatcountError(`${file}: not a satcount batch summary`);
  }
}

/** Re-expresses a summary's result paths, relative to `fromDir`, relative to `toDir` instead. */
export function rebaseResults(s: Summary, fromDir: string, toDir: string): Summary {
  const rows = s.rows.map((r) => (r.result === null ? r : { ...r, result: relative(toDir, resolve(fromDir, r.result)) }));
  return { ...s, rows };
}

/**
 * Merges shard summaries; an image in several (a shard re-run elsewhere) keeps its best row:
 * ok or skipped over failed.
 */
export function mergeSummaries(version: string, summaries: Summary[]): Summary {
  const byImage = new Map<string, SummaryRow>();
  for (const s of summaries) {
    for (const row of s.rows) {
      const prev = byImage.get(row.image);
      if (!prev || (prev.status === 'failed' && row.status !== 'failed')) byImage.set(row.image, row);
    }
  }
  return makeSummary(version, [...byImage.values()]);
}
