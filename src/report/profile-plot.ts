import { writeFile } from 'node:fs/promises';
import type { ChainageRange, DensityProfile, Queue } from '../road/types.js';
import { DIRECTION_COLOURS } from './colours.js';

export interface ProfilePlotOptions {
  /** Road inside the image; the plot spans these (the rest of a long road is empty by construction) and greys the gaps. */
  coveredRanges?: readonly ChainageRange[];
  title?: string;
  /** Road length: the last bin, cut short by the road's end, is scaled to a whole bin. */
  length_m?: number;
}

const WIDTH = 1200;
const HEIGHT = 520;
const MARGIN = { left: 70, right: 30, top: 50, bottom: 60 };
const COLOURS = DIRECTION_COLOURS;

/**
 * Writes the density profile as a PNG: forward vehicles per bin as bars above the axis, backward
 * below, chainage in km, each queue's extent drawn on its side with its filled (hidden) stretches
 * shaded and labelled, at `outPath` as given (writeOutputs makes it atomic).
 *
 * @example await renderProfilePlot(result.profile, result.queues, 'profile.png', { coveredRanges: road.coveredRanges })
 */
export async function renderProfilePlot(
  profile: DensityProfile,
  queues: readonly Queue[],
  outPath: string,
  opts: ProfilePlotOptions = {},
): Promise<void> {
  const { default: sharp } = await import('sharp');
  const png = await sharp(Buffer.from(profileSvg(profile, queues, opts))).png().toBuffer();
  await writeFile(outPath, png);
}

/** The plot as SVG text (exported for tests and for users who want a vector figure). */
export function profileSvg(profile: DensityProfile, queues: readonly Queue[], opts: ProfilePlotOptions = {}): string {
  const { bin_m } = profile;
  const total = profile.forward.length * bin_m;
  const covered = opts.coveredRanges?.length ? opts.coveredRanges : [{ start_m: 0, end_m: total }];
  const x0m = Math.max(0, Math.floor(Math.min(...covered.map((r) => r.start_m)) / bin_m) * bin_m);
  const x1m = Math.min(total, Math.ceil(Math.max(...covered.map((r) => r.end_m)) / bin_m) * bin_m) || total;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const mid = MARGIN.top + plotH / 2;
  const first = Math.floor(x0m / bin_m);
  const last = Math.ceil(x1m / bin_m);
  // Vehicles per whole bin: a last bin of 20 m holding 3 vehicles is plotted as 15 per 100 m.
  const binEnd = (i: number) => Math.min((i + 1) * bin_m, opts.length_m ?? Infinity);
  const perBin = (counts: number[]) => counts.map((c, i) => (binEnd(i) > i * bin_m ? (c * bin_m) / (binEnd(i) - i * bin_m) : c));
  const forward = perBin(profile.forward);
  const backward = perBin(profile.backward);
  const peak = Math.max(1, ...forward.slice(first, last), ...backward.slice(first, last));
  // A quarter of headroom keeps the queue bars and labels clear of the tallest bins.
  const yMax = niceStep((1.25 * peak) / 4) * Math.ceil((1.25 * peak) / niceStep((1.25 * peak) / 4));
  const x = (m: number) => MARGIN.left + ((m - x0m) / (x1m - x0m || 1)) * plotW;
  const h = (count: number) => (count / yMax) * (plotH / 2);
  const parts: string[] = [];

  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  const gaps = uncovered(covered, x0m, x1m);
  for (const g of gaps) {
    parts.push(`<rect x="${f(x(g.start_m))}" y="${MARGIN.top}" width="${f(x(g.end_m) - x(g.start_m))}" height="${plotH}" fill="#e6e6e6"/>`);
  }
  for (let i = first; i < last; i++) {
    const left = x(i * bin_m);
    const w = Math.max(0.5, x(Math.min(binEnd(i), x1m)) - left - 1);
    const fw = forward[i];
    const bw = backward[i];
    if (fw > 0) parts.push(`<rect x="${f(left)}" y="${f(mid - h(fw))}" width="${f(w)}" height="${f(h(fw))}" fill="${COLOURS.forward}"/>`);
    if (bw > 0) parts.push(`<rect x="${f(left)}" y="${f(mid)}" width="${f(w)}" height="${f(h(bw))}" fill="${COLOURS.backward}"/>`);
  }

  // Axes: chainage along the middle, counts up (forward) and down (backward).
  const axis = 'stroke="#333" stroke-width="1"';
  parts.push(`<line x1="${MARGIN.left}" y1="${f(mid)}" x2="${WIDTH - MARGIN.right}" y2="${f(mid)}" ${axis}/>`);
  parts.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" ${axis}/>`);
  const kmStep = niceStep((x1m - x0m) / 1000 / 8);
  for (let km = Math.ceil(x0m / 1000 / kmStep) * kmStep; km * 1000 <= x1m + 1e-6; km += kmStep) {
    const px = x(km * 1000);
    parts.push(`<line x1="${f(px)}" y1="${MARGIN.top + plotH}" x2="${f(px)}" y2="${MARGIN.top + plotH + 5}" ${axis}/>`);
    parts.push(text(px, MARGIN.top + plotH + 20, trimNumber(km), 'middle'));
  }
  parts.push(text(MARGIN.left + plotW / 2, HEIGHT - 15, 'chainage along the road (km)', 'middle'));
  const countStep = niceStep(yMax / 4);
  for (let c = 0; c <= yMax + 1e-9; c += countStep) {
    for (const sign of c === 0 ? [1] : [1, -1]) {
      const py = mid - sign * h(c);
      parts.push(`<line x1="${MARGIN.left - 5}" y1="${f(py)}" x2="${MARGIN.left}" y2="${f(py)}" ${axis}/>`);
      parts.push(text(MARGIN.left - 8, py + 4, trimNumber(c), 'end'));
    }
  }
  parts.push(
    `<text transform="translate(18 ${f(mid)}) rotate(-90)" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="13">vehicles per ${trimNumber(bin_m)} m</text>`,
  );
  // Colour key, top right, with the overlay's colours.
  for (const [i, dir] of (['forward', 'backward'] as const).entries()) {
    const kx = WIDTH - MARGIN.right - 190 + i * 95;
    parts.push(`<rect x="${kx}" y="${MARGIN.top - 30}" width="12" height="12" fill="${COLOURS[dir]}"/>`);
    parts.push(text(kx + 18, MARGIN.top - 19, dir, 'start', '#333'));
  }
  parts.push(text(MARGIN.left + 6, MARGIN.top + 14, 'forward', 'start', COLOURS.forward));
  parts.push(text(MARGIN.left + 6, MARGIN.top + plotH - 6, 'backward', 'start', COLOURS.backward));

  for (const q of queues) {
    const up = q.direction === 'forward';
    const py = up ? MARGIN.top + 24 : MARGIN.top + plotH - 24;
    const colour = COLOURS[q.direction];
    const a = x(Math.max(x0m, q.start_m));
    const b = x(Math.min(x1m, q.end_m));
    parts.push(`<line x1="${f(a)}" y1="${f(py)}" x2="${f(b)}" y2="${f(py)}" stroke="${colour}" stroke-width="4"/>`);
    for (const fill of q.filled) {
      const fx = x(Math.max(x0m, fill.start_m));
      const fw = x(Math.min(x1m, fill.end_m)) - fx;
      const top = up ? MARGIN.top : mid;
      parts.push(`<rect x="${f(fx)}" y="${f(top)}" width="${f(fw)}" height="${f(plotH / 2)}" fill="${colour}" fill-opacity="0.15"/>`);
      parts.push(
        `<line x1="${f(fx)}" y1="${f(py)}" x2="${f(fx + fw)}" y2="${f(py)}" stroke="white" stroke-width="2" stroke-dasharray="4 3"/>`,
      );
      parts.push(text(fx + fw / 2, up ? mid - 8 : mid + 18, `${fill.reason}: +${trimNumber(fill.vehicles_added, 1)}`, 'middle', colour, 11));
    }
    const label = `queue ${trimNumber(q.length_m / 1000, 2)} km, ${q.vehicles_observed} seen, ~${q.vehicles_estimated} estimated`;
    parts.push(text((a + b) / 2, up ? py - 8 : py + 18, label, 'middle', colour));
  }
  if (opts.title) parts.push(text(MARGIN.left, 28, opts.title, 'start', '#000', 16));

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">${parts.join('')}</svg>`;
}

function uncovered(covered: readonly ChainageRange[], from: number, to: number): ChainageRange[] {
  const out: ChainageRange[] = [];
  let cursor = from;
  for (const r of [...covered].sort((a, b) => a.start_m - b.start_m)) {
    if (r.start_m > cursor) out.push({ start_m: cursor, end_m: Math.min(r.start_m, to) });
    cursor = Math.max(cursor, r.end_m);
  }
  if (cursor < to) out.push({ start_m: cursor, end_m: to });
  return out.filter((r) => r.end_m > r.start_m);
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((k) => k * power).find((s) => s >= raw) ?? 10 * power;
}

function text(px: number, py: number, content: string, anchor: 'start' | 'middle' | 'end', fill = '#333', size = 13): string {
  return `<text x="${f(px)}" y="${f(py)}" text-anchor="${anchor}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="${fill}">${escapeXml(content)}</text>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function trimNumber(v: number, digits = 3): string {
  return String(Number(v.toFixed(digits)));
}

function f(v: number): string {
  return v.toFixed(1);
}
