import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, openBrowser, type Page } from '../src/bench/chromium.js';
import type { CountResult } from '../src/pipeline/result.js';
import { runCount } from '../src/pipeline/run.js';
import { overlayRoad } from '../src/report/queue-lines.js';
import { commandLine } from '../src/cli/command-line.js';
import { packDetections, reportHtml, type ReportInput } from '../src/report/html/report.js';
import { readModelFacts } from '../src/report/html/model-facts.js';
import { reportImage } from '../src/report/html/rendering.js';
import { ROOT, satcount } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const chromium = findChromium();
if (!chromium) console.warn('report-html: no Chromium found (apt-get install chromium, or set CHROMIUM); browser tests skipped');

const image = join(ROOT, 'fixtures/border-queue.tif');
const road = { path: join(ROOT, 'fixtures/border-queue.road.geojson'), corridor_m: 15, driveSide: 'right', maxGap_m: 25, queueHead: 'end', profileBin_m: 100 } as const;

let result: CountResult;
let input: ReportInput;
let html: string;

beforeAll(async () => {
  const run = await runCount(image, { road });
  try {
    result = run.result;
    const ctx = run.road!;
    input = {
      title: 'border queue </script><b>',
      command: commandLine(['satcount', 'count', image, '--road', road.path, '--report', 'it\'s here.html']),
      generated: '2026-03-14T09:30:00Z',
      version: '0.1.0',
      model: await readModelFacts(result.model.path),
      views: [
        {
          id: 'scene',
          title: image,
          result,
          image: await reportImage(run.source, 1024),
          road: overlayRoad(ctx, result.queues)!,
        },
      ],
    };
    html = reportHtml(input);
  } finally {
    await run.close();
  }
});

describe('HTML report page', () => {
  it('packs each detection as nine integers: id, box, direction, class, score, chainage', () => {
    const packed = packDetections(result);
    expect(packed.detections.length).toBe(9 * result.detections.length);
    const d = result.detections[0];
    expect(packed.detections.slice(0, 9)).toEqual([
      d.id,
      Math.floor(d.bbox_px[0]),
      Math.floor(d.bbox_px[1]),
      Math.ceil(d.bbox_px[2]),
      Math.ceil(d.bbox_px[3]),
      d.road ? { forward: 1, backward: 2 }[d.road.direction] : 0,
      packed.classes.indexOf(d.class),
      Math.round(d.score * 1000),
      d.road ? Math.round(d.road.chainage_m) : -1,
    ]);
  });

  it('needs nothing from the network and cannot be broken out of by a title or command', () => {
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(http/);
    expect(html).toContain('border queue &lt;/script&gt;&lt;b&gt;');
    // One script element for data, one for the viewer: the title's "</script>" closed neither.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).toContain("'it'\\''s here.html'");
  });

  it('names the model version from its metadata; says when it carries no validation figures, and shows them when it does', () => {
    expect(html).toMatch(/<dt>version<\/dt><dd>\d+\.\d+\.\d+<\/dd>/);
    // The shipped model's figures, whichever it carries.
    if (input.model.quality.length === 0) expect(html).toContain('carries no validation figures');
    else expect(html).toContain('<caption>Validation</caption>');
    expect(reportHtml({ ...input, model: { version: null, quality: [] } })).toContain('carries no validation figures');
    const withQuality = reportHtml({
      ...input,
      model: { version: '3.0.0', quality: [{ gsd_m: 0.3, class: 'car', precision: 0.912, recall: 0.874, n_truth: 1234, set: 'KIT held out' }] },
    });
    expect(withQuality).toContain('<dt>version</dt><dd>3.0.0</dd>');
    expect(withQuality).toMatch(/<td class="n">0\.912<\/td><td class="n">0\.874<\/td><td class="n">1234<\/td>/);
  });

  it('shows intervals where the result has them', () => {
    const counts = { ...result.counts, total_interval: [180, 230] };
    const page = reportHtml({ ...input, views: [{ ...input.views[0], result: { ...result, counts } as CountResult }] });
    expect(page).toContain(`all vehicles</td><td class="n">${result.counts.total}</td><td class="n">180 – 230</td>`);
  });
});

describe.skipIf(!chromium)('HTML report in headless Chromium', () => {
  let page: Page;
  const file = join(dir, 'report.html');

  beforeAll(async () => {
    writeFileSync(file, html);
    page = await openBrowser(chromium!);
    await page.open(`file://${file}`);
    await page.waitFor("document.documentElement.dataset.ready === '1'");
  });
  afterAll(() => page?.close());

  it('shows the counts and the queue', async () => {
    const text = await page.evaluate<string>('document.body.innerText');
    expect(text).toMatch(new RegExp(`all vehicles\\s+${result.counts.total}\\b`));
    expect(text).toMatch(new RegExp(`forward\\s+${result.counts.by_direction!.forward}\\b`));
    expect(text).toContain(`${result.queues[0].length_m} m`);
    expect(text).toContain('satcount count');
  });

  it('draws every detection on the canvas, in the direction colours', async () => {
    expect(await page.evaluate('document.querySelector("canvas").dataset.drawn')).toBe(String(result.detections.length));
    const png = await page.screenshot();
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let orange = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if (data[i] > 230 && Math.abs(data[i + 1] - 122) < 30 && data[i + 2] < 40) orange++;
    }
    // Hundreds of forward boxes, each a few pixels of outline at this zoom.
    expect(orange).toBeGreaterThan(result.counts.by_direction!.forward);
  });

  it('zooms and pans, and a click identifies a detection', async () => {
    const before = await page.evaluate<string>('document.querySelector(".zoom").textContent');
    await page.evaluate('document.querySelector(".zoom-in").click()');
    const after = await page.evaluate<string>('document.querySelector(".zoom").textContent');
    expect(parseFloat(after)).toBeGreaterThan(parseFloat(before));
    await page.evaluate('document.querySelector(".zoom-fit").click()');
    const d = result.detections.find((x) => x.road?.direction === 'forward')!;
    const identified = await page.evaluate<string>(`(() => {
      const c = document.querySelector('canvas'); const r = c.getBoundingClientRect();
      const k = Math.min(r.width / ${result.image.width}, r.height / ${result.image.height});
      const ox = (${result.image.width} - r.width / k) / 2, oy = (${result.image.height} - r.height / k) / 2;
      const x = r.left + (${d.center_px[0]} - ox) * k, y = r.top + (${d.center_px[1]} - oy) * k;
      for (const type of ['pointerdown', 'pointerup']) c.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: y, bubbles: true, pointerId: 1 }));
      return document.querySelector('.pick').textContent;
    })()`);
    expect(identified).toMatch(/^detection \d+: (car|truck), score 0\.\d\d, forward, chainage \d+ m/);
  });

  it('logs no console errors', () => {
    expect(page.errors).toEqual([]);
  });
});

describe('--report on the command line', () => {
  const border = join(ROOT, 'fixtures/border-queue.tif');
  const borderRoad = join(ROOT, 'fixtures/border-queue.road.geojson');

  it('count writes the page with its exact command line and the counts, checked writable first', async () => {
    const report = join(dir, 'count report.html');
    const r = await satcount(['count', border, '--road', borderRoad, '--report', report, '--json', '--quiet'], { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as CountResult;
    const page = readFileSync(report, 'utf8');
    expect(page).toContain(`satcount count ${border} --road ${borderRoad} --report '${report}' --json --quiet`);
    expect(page).toContain(`all vehicles</td><td class="n">${result.counts.total}</td>`);
    const blocked = await satcount(['count', border, '--report', join(border, 'r.html')]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr.trim()).toBe(`satcount: cannot write ${join(border, 'r.html')}: ${border} is not a folder`);
  }, 300_000);

  it('batch writes one page with a row and a view per image, and per-image pages with --reports', async () => {
    const out = join(dir, 'batch');
    // In the --out-dir the batch makes, as the README shows it.
    const report = join(out, 'batch.html');
    const images = ['left-hand.tif', 'hidden.tif'].map((f) => join(ROOT, 'fixtures', f));
    const blocked = await satcount(['batch', ...images, '--out-dir', out, '--report', join(border, 'r.html'), '--quiet']);
    expect([blocked.code, blocked.stderr.trim()]).toEqual([2, `satcount: cannot write ${join(border, 'r.html')}: ${border} is not a folder`]);
    expect(existsSync(out)).toBe(false);
    const r = await satcount(['batch', ...images, '--out-dir', out, '--reports', '--report', report, '--quiet'], { timeoutMs: 300_000 });
    expect(r.code).toBe(0);
    const page = readFileSync(report, 'utf8');
    expect(page.match(/<section class="view"/g)).toHaveLength(2);
    expect(page).toContain('<a href="#image-1">hidden.tif</a>');
    expect(readdirSync(out).filter((f) => f.endsWith('.report.html')).sort()).toEqual(['hidden.report.html', 'left-hand.report.html']);
  }, 300_000);
});
