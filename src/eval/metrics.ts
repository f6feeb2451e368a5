import type { EvalTotals, ImageRow, MatchCounts } from './types.js';

/** Precision, recall and F1 from match counts; null where the ratio is 0 / 0. */
export function scores(c: Pick<MatchCounts, 'tp' | 'fp' | 'fn'>): { precision: number | null; recall: number | null; f1: number | null } {
  return {
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    // 2PR / (P + R) written with counts, so it stays defined when only one of P and R is.
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}

/** Count error of one image: signed (detected - labelled) and as a percentage of the labelled. */
export function countError(detected: number, gt: number): { count_error: number; count_error_pct: number | null } {
  const err = detected - gt;
  return { count_error: err, count_error_pct: gt > 0 ? (100 * err) / gt : null };
}

export interface SummaryOptions {
  iou: number;
  simulate_gsd: number | null;
  classes: string;
}

/**
 * Totals over images: precision, recall and F1 micro-averaged (from summed TP, FP, FN, so an image
 * with many vehicles weighs more than one with few), MAE = mean |count error| per image.
 */
export function summarize(rows: readonly ImageRow[], opts: SummaryOptions): EvalTotals {
  const sum = (key: 'tp' | 'fp' | 'fn' | 'ignored' | 'gt' | 'detected') => rows.reduce((s, r) => s + r[key], 0);
  const counts = { tp: sum('tp'), fp: sum('fp'), fn: sum('fn'), ignored: sum('ignored') };
  const area = rows.reduce((s, r) => s + r.area_km2, 0);
  const pcts = rows.map((r) => r.count_error_pct).filter((p): p is number => p !== null).map(Math.abs);
  return {
    images: rows.length,
    gt: sum('gt'),
    detected: sum('detected'),
    ...counts,
    ...scores(counts),
    mae: rows.length > 0 ? rows.reduce((s, r) => s + Math.abs(r.count_error), 0) / rows.length : 0,
    max_abs_count_error_pct: pcts.length > 0 ? Math.max(...pcts) : null,
    area_km2: area,
    fp_per_km2: area > 0 ? counts.fp / area : 0,
    iou: opts.iou,
    simulate_gsd: opts.simulate_gsd,
    matching: 'greedy-by-score',
    classes: opts.classes,
  };
}

function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}
