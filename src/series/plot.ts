import { DIRECTION_COLOURS } from '../report/colours.js';
import type { Direction } from '../types.js';
import type { SeriesRow } from './rows.js';

const WIDTH = 1200;
const PANEL_H = 230;
const MARGIN = { left: 90, right: 160, top: 50, gap: 60, bottom: 100 };
const HEIGHT = MARGIN.top + 2 * PANEL_H + MARGIN.gap + MARGIN.bottom;
/** Directions in the colours of the overlay, profile and report; all vehicles (no road) in grey. */
const COLOURS: Record<Direction | 'all', string> = { ...DIRECTION_COLOURS, all: '#444' };

const f = (v: number) => v.toFixed(1);

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end', opts: { fill?: string; size?: number; rotate?: number } = {}): string {
  const t = opts.rotate ? ` transform="rotate(${opts.rotate} ${f(x)} ${f(y)})"` : '';
  return `<text x="${f(x)}" y="${f(y)}"${t} text-anchor="${anchor}" font-family="DejaVu Sans, sans-serif" font-size="${opts.size ?? 13}" fill="${opts.fill ?? '#333'}">${esc(s)}</text>`;
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}

/** "2026-03-14 09:30" (UTC), seconds only when they are not zero. */
function shortTime(iso: string): string {
  const s = iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
  return s.endsWith(':00') ? s.slice(0, -3) : s;
}

interface Series {
  label: string;
  colour: string;
  points: [t: number, v: number][];
}

function panel(top: number, title: string, unit: string, series: Series[], x: (t: number) => number): string[] {
  const out: string[] = [];
  const peak = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const step = niceStep((1.1 * peak) / 5);
  const yMax = step * Math.ceil((1.1 * peak) / step);
  const y = (v: number) => top + PANEL_H - (v / yMax) * PANEL_H;
  const axis = 'stroke="#333" stroke-width="1"';
  out.push(`<line x1="${MARGIN.left}" y1="${top}" x2="${MARGIN.left}" y2="${top + PANEL_H}" ${axis}/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${top + PANEL_H}" x2="${WIDTH - MARGIN.right}" y2="${top + PANEL_H}" ${axis}/>`);
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    out.push(`<line x1="${MARGIN.left}" y1="${f(y(v))}" x2="${WIDTH - MARGIN.right}" y2="${f(y(v))}" stroke="#e4e4e4"/>`);
    out.push(text(MARGIN.left - 8, y(v) + 4, v.toLocaleString('en'), 'end'));
  }
  out.push(`<text transform="translate(20 ${f(top + PANEL_H / 2)}) rotate(-90)" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="13">${esc(unit)}</text>`);
  out.push(text(MARGIN.left, top - 10, title, 'start', { size: 15 }));
  series.forEach((s, i) => {
    if (s.points.length > 1) out.push(`<polyline points="${s.points.map(([t, v]) => `${f(x(t))},${f(y(v))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2.5"/>`);
    for (const [t, v] of s.points) out.push(`<circle cx="${f(x(t))}" cy="${f(y(v))}" r="4.5" fill="${s.colour}"/>`);
    const ly = top + 14 + i * 22;
    out.push(`<line x1="${WIDTH - MARGIN.right + 14}" y1="${ly}" x2="${WIDTH - MARGIN.right + 40}" y2="${ly}" stroke="${s.colour}" stroke-width="2.5"/>`);
    out.push(`<circle cx="${WIDTH - MARGIN.right + 27}" cy="${ly}" r="4" fill="${s.colour}"/>`);
    out.push(text(WIDTH - MARGIN.right + 46, ly + 4, s.label, 'start'));
  });
  return out;
}

/**
 * The series chart as SVG: queue length per direction (top) and vehicles per direction (bottom,
 * all vehicles when there is no road) against acquisition time, with labelled axes and a legend.
 * Acquisitions that failed are marked on the time axis. Written as PNG and inlined in the report.
 */
export function seriesChartSvg(rows: readonly SeriesRow[], title = 'Queue and vehicles over time'): string {
  const times = rows.map((r) => Date.parse(r.acquired));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const span = t1 - t0 || 1;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  // A single acquisition sits in the middle; several span the width with a little air at each end.
  const x = (t: number) => (t1 === t0 ? MARGIN.left + plotW / 2 : MARGIN.left + 20 + ((t - t0) / span) * (plotW - 40));
  const counted = rows.filter((r) => r.vehicles !== null);
  const hasRoad = counted.some((r) => r.by_direction !== null);
  const dirs: Direction[] = ['forward', 'backward'];
  const parts: string[] = [`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`, text(WIDTH / 2, 26, title, 'middle', { size: 17 })];
  const top1 = MARGIN.top + 10;
  const top2 = top1 + PANEL_H + MARGIN.gap;
  if (hasRoad) {
    parts.push(
      ...panel(top1, 'Queue length', 'queue length (m)', dirs.map((d) => ({ label: `${d} queue`, colour: COLOURS[d], points: counted.filter((r) => r.queues).map((r) => [Date.parse(r.acquired), r.queues![d]?.length_m ?? 0]) })), x),
    );
    parts.push(
      ...panel(top2, 'Vehicles on the road', 'vehicles', dirs.map((d) => ({ label: d, colour: COLOURS[d], points: counted.filter((r) => r.by_direction).map((r) => [Date.parse(r.acquired), r.by_direction![d]]) })), x),
    );
  } else {
    parts.push(text(MARGIN.left, top1 + PANEL_H / 2, 'no road given: no queues', 'start', { fill: '#888' }));
    parts.push(...panel(top2, 'Vehicles', 'vehicles', [{ label: 'all vehicles', colour: COLOURS.all, points: counted.map((r) => [Date.parse(r.acquired), r.vehicles!]) }], x));
  }
  const base = top2 + PANEL_H;
  const every = Math.max(1, Math.ceil(rows.length / 14));
  rows.forEach((r, i) => {
    const px = x(Date.parse(r.acquired));
    parts.push(`<line x1="${f(px)}" y1="${base}" x2="${f(px)}" y2="${base + 5}" stroke="#333"/>`);
    if (r.vehicles === null) {
      for (const top of [top1, top2]) parts.push(`<line x1="${f(px)}" y1="${top}" x2="${f(px)}" y2="${top + PANEL_H}" stroke="#c0392b" stroke-dasharray="4 4"/>`);
      parts.push(text(px + 4, top2 + 14, 'failed', 'start', { fill: '#c0392b', size: 11 }));
    }
    if (i % every === 0) parts.push(text(px, base + 18, shortTime(r.acquired), 'end', { rotate: -30, size: 11 }));
  });
  parts.push(text(MARGIN.left + plotW / 2, HEIGHT - 8, 'acquisition time (UTC)', 'middle'));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${parts.join('')}</svg>`;
}
