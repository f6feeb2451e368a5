import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium, openBrowser } from './chromium.js';

/**
 * How big an HTML report is and how long headless Chromium takes to open and draw it:
 * `node dist/bench/report-open.js report.html [runs]`. Prints size, then per run the time from
 * navigation to the load event and to the viewer's first full drawing, and console errors.
 */
async function main(): Promise<void> {
  const [file, runsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/report-open.js <report.html> [runs]');
  const chromium = findChromium();
  if (!chromium) throw new Error('no Chromium found (apt-get install chromium, or set CHROMIUM)');
  const url = pathToFileURL(resolve(file)).href;
  console.log(`${file}: ${(statSync(file).size / 1e6).toFixed(2)} MB`);
  for (let i = 0; i < Number(runsArg ?? 3); i++) {
    const page = await openBrowser(chromium);
    try {
      const load = await page.open(url);
      const drawn = load + (await page.waitFor("document.documentElement.dataset.ready === '1'"));
      const boxes = await page.evaluate<string[]>("[...document.querySelectorAll('canvas')].map((c) => c.dataset.drawn)");
      console.log(`run ${i + 1}: load ${(load / 1000).toFixed(2)} s, drawn ${(drawn / 1000).toFixed(2)} s, boxes ${boxes.join(' ')}, console errors ${page.errors.length}`);
    } finally {
      await page.close();
    }
  }
}

main().catch((e) => {
  console.error(`report-open: ${(e as Error).message}`);
  process.exitCode = 1;
});
