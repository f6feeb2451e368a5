import type { CountResult } from '../../pipeline/result.js';
import type { Direction, PixelPoint } from '../../types.js';
import { DIRECTION_COLOURS, OFF_ROAD_COLOUR } from '../colours.js';
import type { OverlayRoad } from '../overlay.js';
import { profileSvg } from '../profile-plot.js';
import type { ModelFacts } from './model-facts.js';
import { REPORT_CSS } from './style.js';
import { countsTable, escapeHtml, modelSection, queuesTable, warningsList } from './tables.js';
import { VIEWER_JS } from './viewer.js';

/** A downscaled rendering of an image, encoded for inlining (JPEG or PNG bytes). */
export interface ReportImage {
  mime: 'image/jpeg' | 'image/png';
  data: Uint8Array;
  /** Size of the rendering in its own pixels. */
  width: number;
  height: number;
}

/** The road drawn over a view, in full-resolution image pixels: the overlay's. */
export type ReportRoad = OverlayRoad;

/** One image's (or one acquisition's) result, drawn with its rendering. */
export interface ReportView {
  /** Anchor of the view in the page (letters, digits, '-', '_'). */
  id: string;
  title: string;
  result: CountResult;
  /** null when there is no picture (the counts, tables and profile are still shown). */
  image: ReportImage | null;
  road: ReportRoad | null;
}

/** A row of the page's index table; its first cell links to `view` when there is one. */
export interface ReportIndexRow {
  cells: (string | number | null)[];
  view: string | null;
  failed: boolean;
}

/** The table above the views: a batch's images or a series' acquisitions, with a chart for a series. */
export interface ReportIndex {
  title: string;
  chartSvg?: string;
  columns: string[];
  rows: ReportIndexRow[];
}

export interface ReportInput {
  title: string;
  /** The exact command line that made the report, as the user typed it (argv joined and quoted). */
  command: string;
  /** ISO 8601 time the report was made. */
  generated: string;
  /** satcount version. */
  version: string;
  views: ReportView[];
  /** The model's version and validation figures (readModelFacts), shown with the result's model. */
  model: ModelFacts;
  /** For batch and series: one row per image or acquisition, linking to its view. */
  index?: ReportIndex;
}

const DIRECTION_CODE: Record<Direction | 'none', number> = { none: 0, forward: 1, backward: 2 };

/**
 * The detections as nine integers each (see viewer.ts), about 40 bytes a box: a 40,000² scene's
 * hundred thousand vehicles stay a few megabytes, drawn by the page's script rather than as SVG.
 */
export function packDetections(result: CountResult): { classes: string[]; detections: number[] } {
  const classes: string[] = [];
  const out: number[] = [];
  for (const d of result.detections) {
    let c = classes.indexOf(d.class);
    if (c < 0) c = classes.push(d.class) - 1;
    const [x1, y1, x2, y2] = d.bbox_px;
    out.push(
      d.id,
      Math.floor(x1),
      Math.floor(y1),
      Math.ceil(x2),
      Math.ceil(y2),
      DIRECTION_CODE[d.road?.direction ?? 'none'],
      c,
      Math.round(d.score * 1000),
      d.road ? Math.round(d.road.chainage_m) : -1,
    );
  }
  return { classes, detections: out };
}

const round1 = (p: PixelPoint) => [Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10];

function viewData(v: ReportView) {
  const packed = packDetections(v.result);
  return {
    width: v.result.image.width,
    height: v.result.image.height,
    // Rendering pixels per image pixel: the viewer smooths the picture only while zoomed out past it.
    scale: v.image ? v.image.width / v.result.image.width : 1,
    classes: packed.classes,
    detections: packed.detections,
    road: v.road && {
      corridor_px: Math.round(v.road.corridorPx * 10) / 10,
      lines: v.road.lines.map((l) => l.flatMap(round1)),
      queues: v.road.queues.map((q) => ({ direction: DIRECTION_CODE[q.direction], lines: q.lines.map((l) => l.flatMap(round1)) })),
    },
  };
}

/** JSON safe inside a <script> element: no "</script>" or "<!--" can end or confuse it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function dataUri(image: ReportImage): string {
  return `data:${image.mime};base64,${Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString('base64')}`;
}

function legend(v: ReportView): string {
  const item = (colour: string, label: string, layer?: string, shape = 'box') =>
    `<label class="key">${layer ? `<input type="checkbox" checked data-layer="${layer}">` : ''}<span class="swatch ${shape}" style="--c:${colour}"></span>${escapeHtml(label)}</label>`;
  const parts = [
    item(DIRECTION_COLOURS.forward, 'forward vehicle', 'detections'),
    item(DIRECTION_COLOURS.backward, 'backward vehicle'),
    item(OFF_ROAD_COLOUR, 'off the road'),
  ];
  if (v.road) {
    parts.push(item('#ffffff', 'road centre line', 'road', 'dash'));
    parts.push(item('rgba(255,255,255,0.4)', `corridor (±${escapeHtml(String(v.result.params.corridor_m ?? ''))} m)`, 'corridor', 'band'));
    // A queue band is its direction's colour, partly see-through (alpha 0x99) as over the image.
    parts.push(item(`${DIRECTION_COLOURS.forward}99`, 'queue extent (colour of its direction)', 'queues', 'band'));
  }
  return `<div class="legend">${parts.join('')}</div>`;
}

function viewSection(v: ReportView): string {
  const r = v.result;
  const acquired = (r.image as { acquired?: string | null }).acquired;
  const sub = [
    `${r.image.width} × ${r.image.height} px`,
    `${Number(r.image.gsd_m.toFixed(3))} m/px`,
    r.image.crs ?? 'no CRS',
    acquired ? `acquired ${acquired}` : null,
    v.image && v.image.width < r.image.width ? `shown from a ${v.image.width} × ${v.image.height} rendering, detections at full resolution` : null,
  ].filter(Boolean);
  const profile =
    r.profile && r.queues
      ? `<h3>Profile along the road</h3><div class="plot">${profileSvg(r.profile, r.queues, {
          coveredRanges: (r.road?.covered as { start_m: number; end_m: number }[] | undefined) ?? undefined,
          length_m: r.road?.length_m as number | undefined,
        })}</div>`
      : '';
  const img = v.image ? `<img class="raster" alt="" src="${dataUri(v.image)}">` : '<img class="raster" alt="">';
  return `<section class="view" id="${v.id}" data-view="${v.id}">
<h2>${escapeHtml(v.title)}</h2>
<p class="sub">${sub.map((s) => escapeHtml(String(s))).join(' · ')}</p>
<div class="viewer">
<canvas aria-label="image with detections"></canvas>
<div class="tools"><button class="zoom-in" title="zoom in">+</button><button class="zoom-out" title="zoom out">−</button><button class="zoom-fit" title="whole image">fit</button><span class="zoom"></span></div>
${img}
</div>
<p class="pick">click a box to identify it; drag to pan, wheel or double-click to zoom</p>
${legend(v)}
<div class="tables">${countsTable(r)}${queuesTable(r)}</div>
${profile}
${warningsList(r)}
</section>`;
}

function indexSection(index: ReportIndex): string {
  const cell = (v: string | number | null) => (v === null ? '—' : typeof v === 'number' ? v.toLocaleString('en') : escapeHtml(v));
  const rows = index.rows
    .map((r) => {
      const [first, ...rest] = r.cells.map(cell);
      const link = r.view ? `<a href="#${r.view}">${first}</a>` : first;
      return `<tr${r.failed ? ' class="bad"' : ''}><td>${link}</td>${rest.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<section class="index"><h2>${escapeHtml(index.title)}</h2>${index.chartSvg ? `<div class="plot">${index.chartSvg}</div>` : ''}
<table class="index"><thead><tr>${index.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

/**
 * One self-contained HTML page: styles, script, pictures and data inlined, nothing fetched when it
 * is opened, so it can be mailed or archived and opened offline.
 *
 * @example await writeFileAtomic('report.html', reportHtml({ title, command, generated, version, views }))
 */
export function reportHtml(input: ReportInput): string {
  const data = { views: Object.fromEntries(input.views.map((v) => [v.id, viewData(v)])) };
  const model = input.views[0]?.result.model;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="satcount ${escapeHtml(input.version)}">
<link rel="icon" href="data:,">
<title>${escapeHtml(input.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(input.title)}</h1>
<p class="sub">satcount ${escapeHtml(input.version)} · made ${escapeHtml(input.generated)}</p>
<pre class="command">${escapeHtml(input.command)}</pre>
</header>
<main>
${input.index ? indexSection(input.index) : ''}
${input.views.map(viewSection).join('\n')}
${model ? modelSection(model, input.model) : ''}
</main>
<script type="application/json" id="satcount-data">${scriptJson(data)}</script>
<script>${VIEWER_JS}</script>
</body>
</html>
`;
}
