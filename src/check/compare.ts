import type { CountResult } from '../pipeline/result.js';
import type { Expectation } from './spec.js';

export interface CheckRow {
  case: string;
  metric: string;
  expected: number;
  tolerance: number;
  actual: number | null;
  ok: boolean;
}

const ALIASES: Record<string, string> = {
  total: 'counts.total',
  on_road: 'counts.on_road',
  forward: 'counts.by_direction.forward',
  backward: 'counts.by_direction.backward',
};

/**
 * Reads a metric from a result by dotted path (`counts.by_class.car`), with `queues.<direction>`
 * standing for the longest queue in that direction; a direction without a queue reads as 0, so an
 * expected queue that vanished fails its check rather than being skipped.
 */
export function metricValue(result: CountResult, metric: string): number | null {
  const path = (ALIASES[metric] ?? metric).split('.');
  let node: unknown = result;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (i === 0 && key === 'queues' && (path[1] === 'forward' || path[1] === 'backward')) {
      const qs = result.queues.filter((q) => q.direction === path[1]);
      if (qs.length === 0) return 0;
      node = qs.reduce((a, b) => (b.length_m > a.length_m ? b : a));
      i++;
      continue;
    }
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[key];
  }
  if (node === null && path[0] === 'counts' && path[1] === 'by_class') return 0;
  return typeof node === 'number' ? node : null;
}

/** The allowed deviation: the looser of the absolute and the relative tolerance (0: exact). */
export function tolerance(e: Expectation): number {
  return Math.max(e.abs ?? 0, (e.rel ?? 0) * Math.abs(e.value));
}

export function compareCase(name: string, result: CountResult, expect: Record<string, Expectation>): CheckRow[] {
  return Object.entries(expect).map(([metric, e]) => {
    const actual = metricValue(result, metric);
    const tol = tolerance(e);
    const ok = actual !== null && Math.abs(actual - e.value) <= tol + 1e-9;
    // 0.2 × 102 is 20.400000000000002 in binary floating point; no tolerance needs more than 6 digits.
    return { case: name, metric, expected: e.value, tolerance: Number(tol.toPrecision(6)), actual, ok };
  });
}

const fmt = (v: number | null) => (v === null ? 'missing' : Number.isInteger(v) ? String(v) : v.toFixed(1));

/** A plain-text table of expected, actual and ok per value. */
export function formatCheckTable(rows: CheckRow[]): string {
  const header = ['case', 'metric', 'expected', '±', 'actual', 'ok'];
  const body = rows.map((r) => [r.case, r.metric, fmt(r.expected), fmt(r.tolerance), fmt(r.actual), r.ok ? 'ok' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
