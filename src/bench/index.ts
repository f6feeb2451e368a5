/**
 * `npm run bench`: generates its own inputs (never committed) and prints throughput, the share of
 * time spent outside the model, the corridor speed-up and peak memory. `-- --large` adds the
 * 40000×40000 memory run (minutes, and ~2 GB of disk in .bench/).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BENCH_GSD, benchRoad, benchScene } from './scene.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = `${ROOT}.bench`;
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

function child<T>(...args: string[]): T {
  return JSON.parse(execFileSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 })) as T;
}

interface CountFigures { wall_s: number; tiles: number; inference_s: number; read_s: number; detections: number; width: number; height: number; gsd_m: number; peak_rss_mb: number }

const rows: [string, string][] = [];
const add = (k: string, v: string) => {
  rows.push([k, v]);
  process.stderr.write(`  ${k}: ${v}\n`);
};

function countRows(label: string, c: CountFigures) {
  const km2 = (c.width * c.height * c.gsd_m * c.gsd_m) / 1e6;
  add(`${label}: wall time`, `${c.wall_s.toFixed(1)} s for ${c.tiles} tiles (${(c.tiles / c.wall_s).toFixed(1)} tiles/s)`);
  add(`${label}: throughput`, `${((c.width * c.height) / 1e6 / c.wall_s).toFixed(1)} MP/s, ${(km2 / c.wall_s).toFixed(3)} km²/s at ${c.gsd_m.toFixed(2)} m`);
  add(`${label}: inside session.run`, `${c.inference_s.toFixed(1)} s; outside ${(100 * (1 - c.inference_s / c.wall_s)).toFixed(1)} % of wall time`);
  add(`${label}: peak RSS`, `${c.peak_rss_mb.toFixed(0)} MB`);
}

if (process.argv.includes('--seed-scale')) {
  await (await import('./seed-scale.js')).seedScaleBench();
  process.exit(0);
}

const large = process.argv.includes('--large');
const size = 10_000;
process.stderr.write(`satcount bench: scenes in ${DIR} (generated on first run)\n`);

const model = child<{ tile: number; median_ms: number; min_ms: number }>('model', '512');
add('model: 512×512 tile', `${model.median_ms.toFixed(1)} ms median (${(1000 / model.median_ms).toFixed(0)} tiles/s), min ${model.min_ms.toFixed(1)} ms`);

const scene = await benchScene(DIR, size);
const decode = child<{ mb_per_s: number; decoded_mb: number }>('decode', scene);
add(`decode: ${size}² DEFLATE`, `${decode.mb_per_s.toFixed(0)} MB/s (${decode.decoded_mb.toFixed(0)} MB of samples)`);

const full = child<CountFigures>('count', scene);
countRows(`full ${size}²`, full);

const roadPath = `${DIR}/road-${size}.geojson`;
writeFileSync(roadPath, benchRoad(size));
const corridor = child<CountFigures>('count', scene, roadPath);
countRows(`corridor ${size}² (±15 m)`, corridor);
add('corridor speed-up', `${(full.wall_s / corridor.wall_s).toFixed(1)}× (${corridor.tiles} of ${full.tiles} tiles read)`);

if (large) {
  const big = await benchScene(DIR, 40_000);
  writeFileSync(`${DIR}/road-40000.geojson`, benchRoad(40_000));
  countRows('corridor 40000²', child<CountFigures>('count', big, `${DIR}/road-40000.geojson`));
  countRows('full 40000²', child<CountFigures>('count', big));
}

const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`\nsatcount bench (${BENCH_GSD} m scenes, ${process.arch}, ${(await import('node:os')).cpus().length} cores)\n`);
process.stdout.write(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
