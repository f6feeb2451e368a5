/**
 * One benchmark measurement in its own process, so peak RSS and warm caches belong to it alone.
 * Usage: node dist/bench/child.js
 *   alternate <image> <rounds> [tileSize] [threads]   bare model against the pipeline, quiet and with one core busy
 *   decode <image>                                   decode every full-resolution block once
 *   count <image> [road.geojson]                     one count (peak RSS)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadModel, type Detector } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import { ROAD_DEFAULTS } from '../pipeline/road.js';
import { runCount } from '../pipeline/run.js';
import { openRaster } from '../raster/open.js';
import type { RgbImage } from '../types.js';

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
  const { width, height, blockWidth, blockHeight } = source.info;
  let bytes = 0;
  const t0 = performance.now();
  // Block-aligned windows: each block decoded once, as GDAL's copy does.
  for (let y = 0; y < height; y += blockHeight) {
    for (let x = 0; x < width; x += blockWidth) {
      const w = Math.min(blockWidth, width - x);
      const h = Math.min(blockHeight, height - y);
      await source.readRgb({ x, y, width: w, height: h }, w, h);
      bytes += w * h * source.info.bands;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  await source.close();
  return { decoded_mb: bytes / 1e6, seconds, mb_per_s: bytes / 1e6 / seconds };
}

/** A process that keeps one core busy until killed. */
function spinner(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

async function stopSpinner(p: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => p.once('exit', resolve));
  p.kill('SIGKILL');
  await gone;
}

/** Milliseconds per tile of the bare detector, one tile at a time, on real tiles of the scene. */
async function bareModel(detector: Detector, tiles: RgbImage[]): Promise<number> {
  // About 25 megapixels per measurement, whatever the tile size, so each lasts about a second.
  const reps = Math.ceil(25e6 / (tiles.length * tiles[0].width * tiles[0].height));
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) for (const t of tiles) await detector.detect(t.data, t.width, t.height);
  return (performance.now() - t0) / (reps * tiles.length);
}

/** Wall milliseconds per inferred tile of a whole count of the scene (open, read, detect, merge). */
async function pipeline(image: string, detector: Detector): Promise<{ msPerTile: number; wall_s: number; tiles: number; km2: number }> {
  const t0 = performance.now();
  const run = await runCount(image, { detector });
  const wall = performance.now() - t0;
  await run.close();
  const r = run.result;
  return { msPerTile: wall / r.timing.tiles, wall_s: wall / 1000, tiles: r.timing.tiles, km2: (r.image.width * r.image.height * r.image.gsd_m ** 2) / 1e6 };
}

/**
 * Alternates the bare model and the pipeline in one process, `rounds` times, first quiet, then
 * with a spinning child taking one core, so every ratio compares runs minutes apart at most.
 */
async function alternate(image: string, rounds: number, tileSize?: number, threads?: number) {
  const detector = await loadModel(DEFAULT_MODEL_PATH, { input_size: tileSize ? [tileSize, tileSize] : undefined, threads });
  const [tw, th] = detector.info.input_size;
  const source = await openRaster(image);
  const samples: RgbImage[] = [];
  for (let i = 0; i < 24; i++) {
    const x = ((i * 7919) % Math.max(1, Math.floor(source.info.width / tw))) * tw;
    const y = ((i * 104729) % Math.max(1, Math.floor(source.info.height / th))) * th;
    samples.push(await source.readRgb({ x, y, width: tw, height: th }, tw, th));
  }
  await source.close();
  const tileKm2 = (tw * th * detector.info.gsd_m ** 2) / 1e6;
  const out = { tile: tw, overlap: detector.info.tile_overlap, threads: threads ?? null, tile_km2: tileKm2, scene_km2: 0, tiles: 0, quiet: [] as { model_ms: number; pipeline_ms: number }[], loaded: [] as { model_ms: number; pipeline_ms: number }[] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['quiet', 'loaded'] as const) {
      const spin = kind === 'loaded' ? spinner() : null;
      try {
        // ABBA order, so a slow drift of the machine's load favours neither side.
        const first = r % 2 === 0;
        const m1 = first ? await bareModel(detector, samples) : 0;
        const p = await pipeline(image, detector);
        const m2 = first ? 0 : await bareModel(detector, samples);
        out[kind].push({ model_ms: m1 + m2, pipeline_ms: p.msPerTile });
        out.scene_km2 = p.km2;
        out.tiles = p.tiles;
      } finally {
        if (spin) await stopSpinner(spin);
      }
    }
  }
  await detector.close();
  return out;
}

const [what, a, b, c, d] = process.argv.slice(2);
const num = (v: string | undefined) => (v ? Number(v) : undefined);
const out =
  what === 'count' ? await count(a, b)
  : what === 'decode' ? await decode(a)
  : what === 'alternate' ? await alternate(a, Number(b), num(c), num(d))
  : null;
if (!out) throw new Error(`unknown bench measurement ${what}`);
process.stdout.write(JSON.stringify(out) + '\n');
