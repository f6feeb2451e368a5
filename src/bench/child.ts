/**
 * One benchmark measurement in its own process, so peak RSS belongs to that measurement alone.
 * Usage: node dist/bench/child.js count <image> [road.geojson] | decode <image> | model [tileSize]
 */
import { loadModel } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import { ROAD_DEFAULTS } from '../pipeline/road.js';
import { runCount } from '../pipeline/run.js';
import { openRaster } from '../raster/open.js';

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function count(image: string, road?: string) {
  const t0 = performance.now();
  const run = await runCount(image, road ? { road: { ...ROAD_DEFAULTS, path: road, crs: 'pixel' } } : {});
  const wall = (performance.now() - t0) / 1000;
  await run.close();
  const r = run.result;
  return { wall_s: wall, tiles: r.timing.tiles, inference_s: r.timing.inference_s, read_s: r.timing.read_s, detections: r.counts.total, width: r.image.width, height: r.image.height, gsd_m: r.image.gsd_m, peak_rss_mb: peakRssMb() };
}

async function decode(image: string) {
  const source = await openRaster(image);
  const { width, height } = source.info;
  const block = 512;
  let bytes = 0;
  const t0 = performance.now();
  for (let y = 0; y < height; y += block) {
    for (let x = 0; x < width; x += block) {
      const w = Math.min(block, width - x);
      const h = Math.min(block, height - y);
      await source.readRgb({ x, y, width: w, height: h }, w, h);
      bytes += w * h * source.info.bands;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await source.close();
  return { decoded_mb: bytes / 1e6, seconds, mb_per_s: bytes / 1e6 / seconds, peak_rss_mb: peakRssMb() };
}

async function model(tileSize: number) {
  const detector = await loadModel(DEFAULT_MODEL_PATH);
  const rgb = new Uint8Array(tileSize * tileSize * 3);
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24;
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const before = detector.sessionSeconds();
    await detector.detect(rgb, tileSize, tileSize);
    if (i >= 3) times.push((detector.sessionSeconds() - before) * 1000);
  }
  await detector.close();
  times.sort((a, b) => a - b);
  return { tile: tileSize, median_ms: times[Math.floor(times.length / 2)], min_ms: times[0] };
}

const [what, a, b] = process.argv.slice(2);
const out = what === 'count' ? await count(a, b) : what === 'decode' ? await decode(a) : await model(Number(a ?? 512));
process.stdout.write(JSON.stringify(out) + '\n');
