/**
 * One seed-scale measurement in its own process, so peak RSS belongs to it alone.
 * Usage: node dist/bench/seed-child.js synth <out.tif> <options.json> <tiles C> |
 *        count <image> <road.geojson> <quality.json or ->
 */
import { readFileSync } from 'node:fs';
import { ROAD_DEFAULTS } from '../pipeline/road.js';
import { runCount } from '../pipeline/run.js';
import { writeScene } from '../synth/write.js';
import type { QualityEntry } from '../types.js';

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function synth(out: string, optsJson: string, cols: number) {
  const t0 = performance.now();
  const scene = await writeScene(out, JSON.parse(optsJson), { tiles: cols > 1 ? { cols, rows: 1, overlap: 256 } : undefined });
  return { wall_s: (performance.now() - t0) / 1000, peak_rss_mb: peakRssMb(), image: scene.paths.image, vehicles: scene.truth.vehicles.length };
}

async function count(image: string, road: string, qualityFile: string) {
  const quality = qualityFile === '-' ? undefined : (JSON.parse(readFileSync(qualityFile, 'utf8')) as QualityEntry[]);
  const t0 = performance.now();
  const run = await runCount(image, { road: { ...ROAD_DEFAULTS, path: road }, quality });
  const wall = (performance.now() - t0) / 1000;
  await run.close();
  const r = run.result;
  return {
    wall_s: wall,
    peak_rss_mb: peakRssMb(),
    timing: r.timing,
    counts: r.counts,
    queues: r.queues.map(({ filled, ...q }) => ({ ...q, filled: filled.length })),
    pieces: (r.road as { pieces?: unknown } | null)?.pieces ?? null,
    images: r.image.images?.length ?? 1,
    detections: r.detections.filter((d) => d.road).map((d) => [d.center_px[0], d.center_px[1], d.road!.direction === 'forward' ? 1 : 0]),
  };
}

const [what, a, b, c] = process.argv.slice(2);
const out = what === 'synth' ? await synth(a, b, Number(c)) : await count(a, b, c);
process.stdout.write(JSON.stringify(out) + '\n');
