/**
 * `npm run bench`: generates its own inputs in .bench/ (never committed) and prints, from one run
 * with the measurements alternated, the bare model against the pipeline (quiet and with one core
 * busy), decoding against GDAL, a 20 km road corridor, startup and peak memory, then the floors
 * of issue 13 with pass or fail. `-- --large` adds the 40000×40000 memory run; `-- --rounds n`
 * sets the alternation rounds (default 3); `-- --tile-size n`, `-- --threads n` and `-- --no-tta` try other settings;
 * `-- --tile-sizes 512,1024,…` prints only the bare model's time per km² by tile side,
 * `-- --thread-counts 1,2` only the pipeline's km²/s by intra-op thread count; `-- --size n`
 * uses an n×n scene instead of 10,000² (a shared, busy machine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCH_GSD, benchRoad, benchScene, corridorScene } from './scene.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = `${ROOT}.bench`;
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/satcount.js', import.meta.url));

function child<T>(...args: string[]): T {
  return JSON.parse(execFileSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 })) as T;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Runs a command to its end; wall seconds (spawn to exit) and its stdout. */
function timed(cmd: string, args: string[]): { s: number; stdout: string; stderr: string; startedAtMs: number; peakKb: number | null } {
  const time = existsSync('/usr/bin/time');
  const startedAtMs = Date.now();
  const t0 = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  const last = r.stderr.trim().split('\n').pop() ?? '';
  return { s, stdout: r.stdout, stderr: r.stderr, startedAtMs, peakKb: time && /^\d+$/.test(last) ? Number(last) : null };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const range = (v: number[], digits: number) => `${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)}`;
const spread = (v: number[], digits: number, unit = '') => `${median(v).toFixed(digits)}${unit} (${range(v, digits)}${unit})`;

const rows: [string, string][] = [];
const add = (k: string, v: string) => {
  rows.push([k, v]);
  process.stderr.write(`  ${k}: ${v}\n`);
};
const floors: [string, boolean | null, string][] = [];
const floor = (name: string, ok: boolean | null, seen: string) => floors.push([name, ok, seen]);

if (process.argv.includes('--seed-scale')) {
  await (await import('./seed-scale.js')).seedScaleBench();
  process.exit(0);
}

const large = process.argv.includes('--large');
const rounds = Number(flag('--rounds') ?? 3);
const tileSize = flag('--tile-size');
const threads = flag('--threads');
// The shipped model averages each tile with its mirror image (twice the inference); --no-tta measures one pass.
const noTta = process.argv.includes('--no-tta');
const size = Number(flag('--size') ?? 10_000);
const load0 = loadavg()[0];
process.stderr.write(`satcount bench: scenes in ${DIR} (generated on first run); load average ${load0.toFixed(2)} on ${cpus().length} cores\n`);

const scene = await benchScene(DIR, size);

// `--tile-sizes a,b,…`: only the table that chose SCENE_TILE_SIZE, bare model time per km².
const sideList = flag('--tile-sizes');
if (sideList) {
  interface SizeRow { side: number; ms_per_tile: number; ms_per_km2_tile: number; ms_per_km2_overlapped: number; ms_per_km2_scene: number; tiles_scene: number }
  const table = child<SizeRow[]>('sizes', scene, String(rounds), ...sideList.split(','));
  process.stdout.write(`\nbare model time per km² by tile side (64 px overlap; ${rounds} rounds alternated, medians; load average ${load0.toFixed(2)} at start)\n`);
  process.stdout.write('| tile | ms per tile | ms per km² of tile | ms per km² of scene, steady state | ms per km² of a 10,000² scene (tiles) |\n|---|---|---|---|---|\n');
  for (const r of table) {
    process.stdout.write(`| ${r.side}² | ${r.ms_per_tile.toFixed(1)} | ${r.ms_per_km2_tile.toFixed(0)} | ${r.ms_per_km2_overlapped.toFixed(0)} | ${r.ms_per_km2_scene.toFixed(0)} (${r.tiles_scene}) |\n`);
  }
  process.exit(0);
}

// `--thread-counts a,b,…`: only the pipeline's km²/s per onnxruntime thread count, quiet and loaded.
const threadList = flag('--thread-counts');
if (threadList) {
  const table = child<{ threads: number; quiet: number[]; loaded: number[] }[]>('threads', scene, String(rounds), ...threadList.split(','));
  process.stdout.write(`\npipeline km²/s on the ${size}² scene by intra-op threads (${rounds} rounds alternated, medians; load average ${load0.toFixed(2)} at start)\n`);
  process.stdout.write('| threads | quiet | one core busy | worst |\n|---|---|---|---|\n');
  for (const r of table) {
    process.stdout.write(`| ${r.threads} | ${median(r.quiet).toFixed(4)} | ${median(r.loaded).toFixed(4)} | ${Math.min(median(r.quiet), median(r.loaded)).toFixed(4)} |\n`);
  }
  process.exit(0);
}

// 1. Bare model against the pipeline, alternated, quiet and with one core busy.
interface Pair { model_ms: number; naive_ms: number; pipeline_ms: number }
interface Alternation { tile: number; naive_tile: number; overlap: number; tile_km2: number; naive_km2: number; scene_km2: number; tiles: number; full_tiles: number; quiet: Pair[]; loaded: Pair[] }
const alt = child<Alternation>('alternate', scene, String(rounds), tileSize ?? '', threads ?? '', noTta ? 'off' : '');
const ratios: Record<'quiet' | 'loaded', { ratio: number[]; eff: number[] }> = { quiet: { ratio: [], eff: [] }, loaded: { ratio: [], eff: [] } };
for (const kind of ['quiet', 'loaded'] as const) {
  const label = kind === 'quiet' ? 'quiet' : 'one core busy';
  const pairs = alt[kind];
  const ratio = pairs.map((p) => p.pipeline_ms / p.model_ms);
  // Scene km² per second of the pipeline over the bare model's km² per second on 512² tiles without
  // overlap (issue 13's definition), and over its km² per second on whole tiles of the pipeline's size.
  const sceneRate = (p: Pair) => alt.scene_km2 / (p.pipeline_ms * alt.full_tiles);
  const eff = pairs.map((p) => sceneRate(p) / (alt.naive_km2 / p.naive_ms));
  const effSameSize = pairs.map((p) => sceneRate(p) / (alt.tile_km2 / p.model_ms));
  ratios[kind] = { ratio, eff };
  add(`${label}: bare model, ${alt.naive_tile}² tile`, `${spread(pairs.map((p) => p.naive_ms), 1, ' ms')} per tile (${spread(pairs.map((p) => alt.naive_km2 / p.naive_ms * 1000), 3, ' km²/s')})`);
  add(`${label}: bare model, ${alt.tile}² tile`, `${spread(pairs.map((p) => p.model_ms), 1, ' ms')} per tile (${spread(pairs.map((p) => alt.tile_km2 / p.model_ms * 1000), 3, ' km²/s')})`);
  add(`${label}: pipeline, ${size}² scene`, `${spread(pairs.map((p) => p.pipeline_ms), 1, ' ms')} per full tile (${alt.tiles} tiles, ${alt.full_tiles.toFixed(1)} full-size, overlap ${alt.overlap})`);
  add(`${label}: pipeline / bare model`, `${spread(ratio, 2, '×')}`);
  add(`${label}: efficiency`, `${spread(eff, 2)} (scene km²/s over the bare model's on ${alt.naive_tile}² tiles; ${(alt.scene_km2 / ((median(pairs.map((p) => p.pipeline_ms)) * alt.full_tiles) / 1000)).toFixed(3)} km²/s)`);
  add(`${label}: efficiency, same tile size`, `${spread(effSameSize, 2)} (over the bare model's on ${alt.tile}² tiles: the overlap's and the pipeline's share)`);
}
floor('efficiency quiet ≥ 0.80', median(ratios.quiet.eff) >= 0.8, median(ratios.quiet.eff).toFixed(2));
floor('efficiency, one core busy ≥ 0.60', median(ratios.loaded.eff) >= 0.6, median(ratios.loaded.eff).toFixed(2));
floor('pipeline ≤ 1.15 × bare model, quiet', median(ratios.quiet.ratio) <= 1.15, `${median(ratios.quiet.ratio).toFixed(2)}×`);
floor('pipeline ≤ 1.15 × bare model, one core busy', median(ratios.loaded.ratio) <= 1.15, `${median(ratios.loaded.ratio).toFixed(2)}×`);

// 2. Decoding against GDAL on the same file, alternated. GDAL's process start and open are
// measured with a one-pixel copy and taken off, as ours is timed inside its process.
const gdal = spawnSync('gdal_translate', ['--version'], { encoding: 'utf8' }).status === 0;
const ours: number[] = [];
const theirs: number[] = [];
let decodedMb = 0;
for (let r = 0; r < rounds; r++) {
  const d = child<{ mb_per_s: number; decoded_mb: number }>('decode', scene);
  ours.push(d.mb_per_s);
  decodedMb = d.decoded_mb;
  if (gdal) {
    const copy = (extra: string[]) => timed('gdal_translate', ['-q', '-of', 'ENVI', ...extra, scene, '/vsimem/bench.bin']).s;
    const whole = copy([]);
    const start = copy(['-srcwin', '0', '0', '1', '1']);
    theirs.push(decodedMb / (whole - start));
  }
}
add(`decode: ${size}² DEFLATE, satcount`, `${spread(ours, 0, ' MB/s')} (${decodedMb.toFixed(0)} MB of samples)`);
if (gdal) {
  const rel = ours.map((o, i) => o / theirs[i]);
  add(`decode: same file, GDAL`, `${spread(theirs, 0, ' MB/s')} (gdal_translate -of ENVI to /vsimem, start-up taken off)`);
  add('decode: satcount / GDAL', spread(rel, 2, '×'));
  floor('decode ≥ 1.0 × GDAL (DEFLATE COG)', median(rel) >= 1, `${median(rel).toFixed(2)}×`);
} else {
  add('decode: GDAL', 'gdal_translate not found (apt-get install gdal-bin): no comparison');
  floor('decode ≥ 1.0 × GDAL (DEFLATE COG)', null, 'GDAL not installed');
}

// 3. A 20 km road corridor through the CLI, process start to exit.
const corridor = await corridorScene(DIR, 20);
const walls: number[] = [];
let last: { timing: { tiles: number; read_s: number; inference_s: number }; counts: { on_road: number } } | null = null;
let corridorRss = 0;
const extra = [...(tileSize ? ['--tile-size', tileSize] : []), ...(threads ? ['--threads', threads] : []), ...(noTta ? ['--no-tta'] : [])];
for (let r = 0; r < rounds; r++) {
  const run = timed(process.execPath, [CLI, 'count', corridor.image, '--road', corridor.road, '--road-crs', 'pixel', '--json', ...extra]);
  walls.push(run.s);
  last = JSON.parse(run.stdout);
  corridorRss = Math.max(corridorRss, (run.peakKb ?? 0) / 1024);
}
if (last) {
  add(`corridor: ${(corridor.length_m / 1000).toFixed(1)} km road, ±15 m`, `${spread(walls, 2, ' s')} wall, start-up included (${last.timing.tiles} tiles, ${last.counts.on_road} vehicles on the road)`);
  add('corridor: inside the run', `read ${last.timing.read_s.toFixed(2)} s, inference ${last.timing.inference_s.toFixed(2)} s${corridorRss ? `, peak RSS ${corridorRss.toFixed(0)} MB` : ''}`);
}
floor('20 km corridor ≤ 5 s wall', median(walls) <= 5, `${median(walls).toFixed(2)} s`);

// 4. Start-up: `--version`, and a one-tile count: process start to its first and only tile reaching
// the model (the time of the pipeline's debug line), and to exit.
const small = await benchScene(DIR, 512);
const version: number[] = [];
const toFirstTile: number[] = [];
const oneTile: number[] = [];
for (let r = 0; r < Math.max(5, rounds); r++) {
  version.push(timed(process.execPath, [CLI, '--version']).s);
  const run = timed(process.execPath, [CLI, 'count', small, '--log-level', 'debug', '--log-format', 'json', ...(noTta ? ['--no-tta'] : [])]);
  oneTile.push(run.s);
  const line = run.stderr.split('\n').find((l) => l.includes('"first tile to the model"'));
  if (line) toFirstTile.push(((JSON.parse(line) as { time: number }).time - run.startedAtMs) / 1000);
}
add('start-up: satcount --version', spread(version, 2, ' s'));
add('start-up: count of one 512² tile', `${toFirstTile.length ? `${spread(toFirstTile, 2, ' s')} to the tile reaching the model, ` : ''}${spread(oneTile, 2, ' s')} to exit`);
const startup = toFirstTile.length ? median(toFirstTile) : median(oneTile);
floor('start-up ≤ 0.4 s (process start to first tile)', startup <= 0.4, `${startup.toFixed(2)} s`);

// 5. Peak memory of whole-scene counts.
interface CountFigures { wall_s: number; tiles: number; peak_rss_mb: number }
const full = child<CountFigures>('count', scene);
add(`peak RSS: count of ${size}²`, `${full.peak_rss_mb.toFixed(0)} MB (${full.wall_s.toFixed(1)} s, ${full.tiles} tiles)`);
if (large) {
  const big = await benchScene(DIR, 40_000);
  writeFileSync(`${DIR}/road-40000.geojson`, benchRoad(40_000));
  const bigCorridor = child<CountFigures>('count', big, `${DIR}/road-40000.geojson`);
  add('peak RSS: corridor of 40000²', `${bigCorridor.peak_rss_mb.toFixed(0)} MB (${bigCorridor.wall_s.toFixed(1)} s, ${bigCorridor.tiles} tiles)`);
  const bigFull = child<CountFigures>('count', big);
  add('peak RSS: count of 40000²', `${bigFull.peak_rss_mb.toFixed(0)} MB (${bigFull.wall_s.toFixed(1)} s, ${bigFull.tiles} tiles)`);
  floor('peak RSS ≤ 1 GB on 40000²', Math.max(bigFull.peak_rss_mb, bigCorridor.peak_rss_mb) <= 1024, `${Math.max(bigFull.peak_rss_mb, bigCorridor.peak_rss_mb).toFixed(0)} MB`);
} else {
  floor('peak RSS ≤ 1 GB on 40000²', null, 'run with --large');
}

const width = Math.max(...rows.map(([k]) => k.length));
const out = process.stdout;
out.write(`\nsatcount bench (${BENCH_GSD} m scenes, ${process.arch}, ${cpus().length} cores, load average ${load0.toFixed(2)} at start, ${rounds} rounds, ${noTta ? 'one pass per tile (--no-tta)' : "the model's default test-time augmentation"})\n`);
out.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
const fw = Math.max(...floors.map(([k]) => k.length));
out.write('\nfloors (issue 13; medians of the rounds)\n');
out.write(floors.map(([k, ok, seen]) => `${ok === null ? 'n/a ' : ok ? 'pass' : 'FAIL'}  ${k.padEnd(fw)}  ${seen}`).join('\n') + '\n');
