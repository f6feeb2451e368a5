import type { CountResult } from '../../pipeline/result.js';
import type { ModelFacts } from './model-facts.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

type Interval = [low: number, high: number];

function isInterval(v: unknown): v is Interval {
  return Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/**
 * The 95 % interval a result gives beside a value, if it gives one: `<key>_interval` in the same
 * object, or, for a member of a map such as `by_class`, `<map>_interval[member]`.
 */
function intervalOf(obj: object, key: string, member?: string): Interval | null {
  const rec = obj as Record<string, unknown>;
  const v = member === undefined ? rec[`${key}_interval`] : (rec[`${key}_interval`] as Record<string, unknown> | undefined)?.[member];
  return isInterval(v) ? v : null;
}

const num = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en') : v.toFixed(1));
const intervalCell = (i: Interval | null) => (i ? `${num(i[0])} – ${num(i[1])}` : '—');

export function countsTable(r: CountResult): string {
  const c = r.counts;
  const rows: [string, number, Interval | null][] = [['all vehicles', c.total, intervalOf(c, 'total')]];
  for (const [cls, n] of Object.entries(c.by_class)) rows.push([`  ${cls}`, n, intervalOf(c, 'by_class', cls)]);
  if (c.on_road !== null) rows.push(['on the road', c.on_road, intervalOf(c, 'on_road')]);
  if (c.by_direction) {
    for (const [dir, n] of Object.entries(c.by_direction)) rows.push([`  ${dir}`, n, intervalOf(c, 'by_direction', dir)]);
  }
  const body = rows.map(([label, n, i]) => `<tr><td>${escapeHtml(label)}</td><td class="n">${num(n)}</td><td class="n">${intervalCell(i)}</td></tr>`).join('');
  return `<table class="counts"><caption>Counts</caption><thead><tr><th></th><th>detected</th><th>95 % interval</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function queuesTable(r: CountResult): string {
  if (!r.counts.by_direction) return '';
  if (r.queues.length === 0) return '<table class="queues"><caption>Queues</caption><tbody><tr><td>no queue found</td></tr></tbody></table>';
  const body = r.queues
    .map(
      (q) =>
        `<tr><td>${q.direction}</td><td class="n">${num(q.start_m)} – ${num(q.end_m)} m</td><td class="n">${num(q.length_m)} m</td><td class="n">${q.lanes}</td><td class="n">${num(q.vehicles_observed)}</td><td class="n">${num(q.vehicles_estimated)}</td><td class="n">${intervalCell(intervalOf(q, 'vehicles_estimated'))}</td><td>${escapeHtml(q.tail_reason)}</td></tr>`,
    )
    .join('');
  return `<table class="queues"><caption>Queues</caption><thead><tr><th>direction</th><th>chainage</th><th>length</th><th>lanes</th><th>seen</th><th>estimated</th><th>95 % interval</th><th>tail</th></tr></thead><tbody>${body}</tbody></table>`;
}

export function warningsList(r: CountResult): string {
  const warnings = (r as { warnings?: unknown }).warnings;
  if (!Array.isArray(warnings) || warnings.length === 0) return '';
  return `<div class="warnings"><h3>Warnings</h3><ul>${warnings.map((w) => `<li>${escapeHtml(String(w))}</li>`).join('')}</ul></div>`;
}

/** The model, its version and the validation figures its metadata carries (or that it carries none). */
export function modelSection(m: CountResult['model'], model: ModelFacts): string {
  const extra = m as CountResult['model'] & { trained_on?: string | null };
  const facts = [
    ['name', m.name],
    ['version', model.version ?? 'not stated in its metadata'],
    ['file', m.path],
    ['trained at', `${m.gsd_m} m per pixel`],
    ['input', `${m.input_size[0]} × ${m.input_size[1]} px, layout ${m.layout}`],
    ...(extra.trained_on ? [['trained on', extra.trained_on]] : []),
  ];
  const dl = facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v))}</dd>`).join('');
  const f = (v: number | undefined) => (typeof v === 'number' ? v.toFixed(3) : '—');
  const quality = model.quality.length
    ? `<table class="quality"><caption>Validation</caption><thead><tr><th>pixel size</th><th>class</th><th>precision</th><th>recall</th><th>vehicles</th><th>set</th></tr></thead><tbody>${model.quality
        .map((q) => `<tr><td>${q.gsd_m ?? '—'} m</td><td>${escapeHtml(q.class ?? '—')}</td><td class="n">${f(q.precision)}</td><td class="n">${f(q.recall)}</td><td class="n">${q.n_truth ?? '—'}</td><td>${escapeHtml(q.set ?? '')}</td></tr>`)
        .join('')}</tbody></table>`
    : '<p>The model\'s metadata carries no validation figures; its model card has them.</p>';
  return `<section class="model"><h2>Model</h2><dl>${dl}</dl>${quality}</section>`;
}
