import type { CountResult } from '../pipeline/result.js';
import type { Direction } from '../types.js';
import type { AcquisitionGroup } from './group.js';

/** The longest queue of one direction, as a series row carries it. */
export interface QueueFigures {
  length_m: number;
  vehicles_observed: number;
  vehicles_estimated: number;
  /** Corrected for the detector's precision and recall, and its 95 % interval, where the model states its quality. */
  vehicles_expected: number | null;
  vehicles_interval: [low: number, high: number] | null;
}

/** Differences from the previous counted row, and the same per hour. */
export interface Change {
  hours: number;
  vehicles: number;
  queue_forward_m: number;
  queue_backward_m: number;
}

/** One acquisition in `series.json`; `series.csv` is the same, flattened. */
export interface SeriesRow {
  acquired: string;
  images: string[];
  /** ok: counted now; skipped: its result was up to date; failed: see error. */
  status: 'ok' | 'skipped' | 'failed';
  error: string | null;
  /** The acquisition's own result JSON, relative to the series folder. */
  result: string | null;
  vehicles: number | null;
  by_class: Record<string, number> | null;
  by_direction: Record<Direction, number> | null;
  queues: Record<Direction, QueueFigures | null> | null;
  /** Since the previous row that has counts; null on the first such row and on failed rows. */
  change: Change | null;
  growth_per_hour: Omit<Change, 'hours'> | null;
}

function longest(result: CountResult, direction: Direction): QueueFigures | null {
  const qs = result.queues.filter((q) => q.direction === direction);
  if (qs.length === 0) return null;
  const q = qs.reduce((a, b) => (b.length_m > a.length_m ? b : a));
  return {
    length_m: q.length_m,
    vehicles_observed: q.vehicles_observed,
    vehicles_estimated: q.vehicles_estimated,
    vehicles_expected: q.vehicles_expected,
    vehicles_interval: q.vehicles_interval,
  };
}

export function countedRow(acq: AcquisitionGroup, status: 'ok' | 'skipped', resultFile: string, r: CountResult): SeriesRow {
  return {
    acquired: acq.acquired,
    images: acq.images.map((i) => i.path),
    status,
    error: null,
    result: resultFile,
    vehicles: r.counts.total,
    by_class: r.counts.by_class,
    by_direction: r.counts.by_direction,
    queues: r.counts.by_direction ? { forward: longest(r, 'forward'), backward: longest(r, 'backward') } : null,
    change: null,
    growth_per_hour: null,
  };
}

export function failedRow(acq: AcquisitionGroup, error: string): SeriesRow {
  return {
    acquired: acq.acquired,
    images: acq.images.map((i) => i.path),
    status: 'failed',
    error,
    result: null,
    vehicles: null,
    by_class: null,
    by_direction: null,
    queues: null,
    change: null,
    growth_per_hour: null,
  };
}

const queueLength = (row: SeriesRow, d: Direction) => row.queues?.[d]?.length_m ?? 0;
const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Rows in time order with `change` and `growth_per_hour` filled against the previous row that has
 * counts (a failed acquisition is skipped over, not read as zero). A direction without a queue
 * counts as a queue of 0 m, so a queue that forms or clears shows as growth.
 */
export function withChanges(rows: readonly SeriesRow[]): SeriesRow[] {
  const sorted = [...rows].sort((a, b) => Date.parse(a.acquired) - Date.parse(b.acquired));
  let prev: SeriesRow | null = null;
  return sorted.map((row) => {
    if (row.vehicles === null) return { ...row, change: null, growth_per_hour: null };
    let change: Change | null = null;
    let growth: SeriesRow['growth_per_hour'] = null;
    if (prev) {
      const hours = (Date.parse(row.acquired) - Date.parse(prev.acquired)) / 3_600_000;
      change = {
        hours: Math.round(hours * 1000) / 1000,
        vehicles: row.vehicles - prev.vehicles!,
        queue_forward_m: r1(queueLength(row, 'forward') - queueLength(prev, 'forward')),
        queue_backward_m: r1(queueLength(row, 'backward') - queueLength(prev, 'backward')),
      };
      if (hours > 0) {
        growth = {
          vehicles: r1(change.vehicles / hours),
          queue_forward_m: r1(change.queue_forward_m / hours),
          queue_backward_m: r1(change.queue_backward_m / hours),
        };
      }
    }
    prev = row;
    return { ...row, change, growth_per_hour: growth };
  });
}

function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** series.csv: one line per acquisition, classes as columns (the union over all rows). */
export function seriesCsv(rows: readonly SeriesRow[]): string {
  const classes = [...new Set(rows.flatMap((r) => Object.keys(r.by_class ?? {})))].sort();
  const q = (r: SeriesRow, d: Direction) => r.queues?.[d] ?? null;
  const header = [
    'acquired', 'images', 'status', 'vehicles', ...classes, 'forward', 'backward',
    'queue_forward_m', 'queue_forward_estimated', 'queue_forward_expected', 'queue_forward_expected_low', 'queue_forward_expected_high',
    'queue_backward_m', 'queue_backward_estimated', 'queue_backward_expected', 'queue_backward_expected_low', 'queue_backward_expected_high',
    'hours_since_previous', 'change_vehicles', 'change_queue_forward_m', 'change_queue_backward_m',
    'vehicles_per_hour', 'queue_forward_m_per_hour', 'queue_backward_m_per_hour', 'result', 'error',
  ];
  const lines = rows.map((r) =>
    [
      r.acquired, r.images.join(';'), r.status, r.vehicles, ...classes.map((c) => (r.by_class ? r.by_class[c] ?? 0 : null)),
      r.by_direction?.forward, r.by_direction?.backward,
      ...(['forward', 'backward'] as const).flatMap((d) => [
        r.queues ? q(r, d)?.length_m ?? 0 : null, r.queues ? q(r, d)?.vehicles_estimated ?? 0 : null,
        q(r, d)?.vehicles_expected, q(r, d)?.vehicles_interval?.[0], q(r, d)?.vehicles_interval?.[1],
      ]),
      r.change?.hours, r.change?.vehicles, r.change?.queue_forward_m, r.change?.queue_backward_m,
      r.growth_per_hour?.vehicles, r.growth_per_hour?.queue_forward_m, r.growth_per_hour?.queue_backward_m, r.result, r.error,
    ].map(csvField).join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
