import { basename } from 'node:path';
import type { EvalReport } from './types.js';

/**
 * The per-image table a person reads after `satcount eval`, with a totals line and the settings
 * the figures depend on.
 *
 * @example process.stdout.write(formatTable(report));
 */
export function formatTable(report: EvalReport): string {
  const header = ['image', 'gt', 'det', 'tp', 'fp', 'fn', 'prec', 'recall', 'f1', 'count err', 'err %', 'fp/km²', 'm/px'];
  const rows = report.images.map((r) => [
    basename(r.image),
    String(r.gt),
    String(r.detected),
    String(r.tp),
    String(r.fp),
    String(r.fn),
    ratio(r.precision),
    ratio(r.recall),
    ratio(r.f1),
    signed(r.count_error),
    r.count_error_pct === null ? '-' : `${signed(Math.round(r.count_error_pct))}%`,
    perKm2(r.fp_per_km2),
    r.gsd_m.toFixed(3),
  ]);
  const t = report.totals;
  const total = [
    `all ${t.images}`,
    String(t.gt),
    String(t.detected),
    String(t.tp),
    String(t.fp),
    String(t.fn),
    ratio(t.precision),
    ratio(t.recall),
    ratio(t.f1),
    `MAE ${t.mae.toFixed(2)}`,
    t.max_abs_count_error_pct === null ? '-' : `max ${Math.round(t.max_abs_count_error_pct)}%`,
    perKm2(t.fp_per_km2),
    t.simulate_gsd === null ? '' : t.simulate_gsd.toFixed(3),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length), total[i].length));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const settings =
    `IoU ≥ ${t.iou}, one-to-one greedy by score; vehicles: ${t.classes}` +
    (t.simulate_gsd === null ? '' : `; degraded to ${t.simulate_gsd} m/px`) +
    (t.ignored > 0 ? `; ${t.ignored} detections on ignored labels not counted` : '');
  return [line(header), rule, ...rows.map(line), rule, line(total), settings].join('\n') + '\n';
}

function ratio(v: number | null): string {
  return v === null ? '-' : v.toFixed(3);
}

function perKm2(v: number): string {
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

function signed(v: number): string {
  return v > 0 ? `+${v}` : String(v);
}
