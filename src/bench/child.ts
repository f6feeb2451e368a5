/**
 * One benchmark measurement in its own process, so peak RSS and warm caches belong to it alone.
 * Usage: node dist/bench/child.js
 *   alternate <image> <rounds> [tileSize] [threads] [tta]   bare model against the pipeline, quiet and with one core busy (tta: on/off; default the model's)
 *   decode <image>                                   decode every full-resolution block once
 *   count <image> [road.geojson]                     one count (peak RSS)
 *   sizes <image> <rounds> <side>...                  bare model per tile side, alternated
 *   threads <image> <rounds> <n>...                   the pipeline per intra-op thread count, alternated, quiet and loaded
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadModel, type Detector } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import { SCENE_TILE_SIZE } from '../pipeline/settings.js';
import { ROAD_DEFAULTS } from '../pipeline/road.js';
import { runCount } from '../pipeline/run.js';
import { openRaster } from '../raster/open.js';
import { planTiles } from '../tiling/plan.js';
import type { RgbImage } from '../types.js';

/** Side of the tiles issue 13's efficiency is measured against. */
const NAIVE_SIDE = 512;

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

/** 24 tiles of the scene, side × side, from spread-out places: what the bare model is timed on. */
async function sampleTiles(image: string, side: number): Promise<RgbImage[]> {
  const source = await openRaster(image);
  const across = Math.max(1, Math.floor(source.info.width / side));
  const down = Math.max(1, Math.floor(source.info.height / side));
  const out: RgbImage[] = [];
  for (let i = 0; i < 24; i++) {
    const x = ((i * 7919) % across) * side;
    const y = ((i * 104729) % down) * side;
    out.push(await source.readRgb({ x, y, width: side, height: side }, side, side));
  }
  await source.close();
  return out;
}

/**
 * Bare model time per km² for each tile side, alternated round by round: per km² of tile, per km²
 * of scene at the model's overlap (each tile adds (side − overlap)² new pixels), and for the
 * bench's 10,000² scene as the tiling plan cuts it (edge tiles shrunk).
 */
async function sizes(image: string, rounds: number, sides: number[]) {
  const detector = await loadModel(DEFAULT_MODEL_PATH);
  const gsd = detector.info.gsd_m;
  const overlap = detector.info.tile_overlap;
  const samples = new Map<number, RgbImage[]>();
  for (const side of sides) {
    samples.set(side, await sampleTiles(image, side));
    await bareModel(detector, samples.get(side)!.slice(0, 2));
  }
  const ms = new Map<number, number[]>(sides.map((s) => [s, []]));
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 ? [...sides].reverse() : sides) ms.get(side)!.push(await bareModel(detector, samples.get(side)!));
  }
  await detector.close();
  return sides.map((side) => {
    const perTile = [...ms.get(side)!].sort((a, b) => a - b)[Math.floor(rounds / 2)];
    const perPixel = perTile / (side * side);
    const plan = planTiles({ width: 10_000, height: 10_000, imageGsd: gsd, modelGsd: gsd, tileWidth: side, tileHeight: side, overlap, sizeMultiple: 32 });
    const inferred = plan.reduce((n, t) => n + t.modelWidth * t.modelHeight, 0);
    const km2 = (px: number) => (px * gsd * gsd) / 1e6;
    return {
      side,
      ms_per_tile: perTile,
      ms_per_km2_tile: perTile / km2(side * side),
      ms_per_km2_overlapped: perTile / km2((side - overlap) ** 2),
      ms_per_km2_scene: (perPixel * inferred) / km2(1e8),
      tiles_scene: plan.length,
    };
  });
}

/**
 * Scene km²/s of whole counts with detectors of different intra-op thread counts, alternated round
 * by round, quiet and with one core busy: decoding runs on the main thread between inferences in
 * every arrangement, so 1 thread leaves a core to it and 2 threads share both.
 */
async function threadCounts(image: string, rounds: number, counts: number[]) {
  const detectors = await Promise.all(counts.map((threads) => loadModel(DEFAULT_MODEL_PATH, { threads })));
  const out = counts.map((threads) => ({ threads, quiet: [] as number[], loaded: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['quiet', 'loaded'] as const) {
      const spin = kind === 'loaded' ? spinner() : null;
      try {
        const order = r % 2 ? [...counts.keys()].reverse() : [...counts.keys()];
        for (const i of order) {
          const p = await pipeline(image, detectors[i], SCENE_TILE_SIZE);
          out[i][kind].push(p.km2 / ((p.msPerTile * p.fullTiles) / 1000));
          process.stderr.write(`    round ${r + 1} ${kind}, ${counts[i]} thread(s): ${out[i][kind].at(-1)!.toFixed(4)} km²/s\n`);
        }
      } finally {
        if (spin) await stopSpinner(spin);
      }
    }
  }
  await Promise.all(detectors.map((d) => d.close()));
  return out;
}

/**
 * A process that keeps one core busy until killed, or until this process is gone: a bench stopped
 * by a signal used to leave it spinning, taking a core from every later measurement.
 */
function spinner(): ChildProcess {
  const spin = 'const parent = process.ppid; for (;;) { for (let i = 0; i < 5e7; i++); if (process.ppid !== parent) process.exit(); }';
  return spawn(process.execPath, ['-e', spin], { stdio: 'ignore' });
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

/**
 * Wall milliseconds of a whole count of the scene (open, read, detect, merge) per full-size tile
 * of model input: shrunk edge tiles count for their share of a full tile's pixels.
 */
async function pipeline(image: string, detector: Detector, tileSize: number) {
  const t0 = performance.now();
  const run = await runCount(image, { detector, tileSize });
  const wall = performance.now() - t0;
  await run.close();
  const r = run.result;
  const gsd = r.image.gsd_m;
  const plan = planTiles({
    width: r.image.width, height: r.image.height, imageGsd: gsd, modelGsd: detector.info.gsd_m,
    tileWidth: tileSize, tileHeight: tileSize, overlap: detector.info.tile_overlap, sizeMultiple: detector.info.size_multiple,
  });
  if (plan.length !== r.timing.tiles) throw new Error(`bench: the count ran ${r.timing.tiles} tiles, the plan has ${plan.length}`);
  const fullTiles = plan.reduce((n, t) => n + t.modelWidth * t.modelHeight, 0) / (tileSize * tileSize);
  return { msPerTile: wall / fullTiles, tiles: plan.length, fullTiles, km2: (r.image.width * r.image.height * gsd * gsd) / 1e6 };
}

/**
 * Alternates the bare model and the pipeline in one process, `rounds` times, first quiet, then
 * with a spinning child taking one core, so every ratio compares runs minutes apart at most.
 */
async function alternate(image: string, rounds: number, tileSize = SCENE_TILE_SIZE, threads?: number, tta?: boolean) {
  const detector = await loadModel(DEFAULT_MODEL_PATH, { threads, tta });
  const samples = await sampleTiles(image, tileSize);
  // Issue 13's efficiency baseline: the bare model on 512² tiles, no overlap (what a naive tiling
  // would get from the model), measured beside the same-size comparison.
  const naive = await sampleTiles(image, NAIVE_SIDE);
  const squareKm2 = (side: number) => (side * side * detector.info.gsd_m ** 2) / 1e6;
  type Pair = { model_ms: number; naive_ms: number; pipeline_ms: number };
  const out = { tile: tileSize, naive_tile: NAIVE_SIDE, overlap: detector.info.tile_overlap, threads: threads ?? null, tile_km2: squareKm2(tileSize), naive_km2: squareKm2(NAIVE_SIDE), scene_km2: 0, tiles: 0, full_tiles: 0, quiet: [] as Pair[], loaded: [] as Pair[] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['quiet', 'loaded'] as const) {
      const spin = kind === 'loaded' ? spinner() : null;
      try {
        // ABBA order, so a slow drift of the machine's load favours neither side.
        const first = r % 2 === 0;
        const bare = async () => ({ model: await bareModel(detector, samples), naive: await bareModel(detector, naive) });
        const b1 = first ? await bare() : null;
        const p = await pipeline(image, detector, tileSize);
        const b = b1 ?? (await bare());
        out[kind].push({ model_ms: b.model, naive_ms: b.naive, pipeline_ms: p.msPerTile });
        out.scene_km2 = p.km2;
        out.tiles = p.tiles;
        out.full_tiles = p.fullTiles;
        process.stderr.write(`    round ${r + 1} ${kind}: model ${b.model.toFixed(1)} ms (${NAIVE_SIDE}²: ${b.naive.toFixed(1)} ms), pipeline ${p.msPerTile.toFixed(1)} ms per tile\n`);
      } finally {
        if (spin) await stopSpinner(spin);
      }
    }
  }
  await detector.close();
  return out;
}

const [what, a, b, c, d, e] = process.argv.slice(2);
const num = (v: string | undefined) => (v ? Number(v) : undefined);
const out =
  what === 'count' ? await count(a, b)
  : what === 'decode' ? await decode(a)
  : what === 'alternate' ? await alternate(a, Number(b), num(c), num(d), e ? e === 'on' : undefined)
  : what === 'sizes' ? await sizes(a, Number(b), process.argv.slice(5).map(Number))
  : what === 'threads' ? await threadCounts(a, Number(b), process.argv.slice(5).map(Number))
  : null;
if (!out) throw new Error(`unknown bench measurement ${what}`);
process.stdout.write(JSON.stringify(out) + '\n');
