/**
 * `npm run bench -- --seed-scale`: the border queue at the seed's size (issue #14). For 0.3 m and
 * 0.5 m: a 20 km synth scene (queue over the whole road, 5 % hidden, other direction empty) as 3
 * overlapping tiles plus a VRT, its road cut into 10 shuffled OSM-like pieces (3 reversed, gaps),
 * counted as one mosaic; prints direction, queue length, estimate and interval against the truth,
 * wall time and peak RSS. Precision and recall for the intervals come from a separate calibration
 * scene per GSD (another seed), as training measures them on validation data; the count is run
 * again with the model's own `quality` (real validation sets), which is what a user gets.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_PATH } from '../pipeline/model-path.js';
import { createRng } from '../random/prng.js';
import type { SceneTruth } from '../synth/scene.js';
import type { QualityEntry } from '../types.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = `${ROOT}.bench/seed-scale`;
const CHILD = fileURLToPath(new URL('./seed-child.js', import.meta.url));

interface SynthFigures { wall_s: number; peak_rss_mb: number; image: string; vehicles: number }
interface CountFigures {
  wall_s: number;
  peak_rss_mb: number;
  timing: { tiles: number; inference_s: number; read_s: number };
  counts: { total: number; verge?: number | null; total_interval?: [number, number] | null };
  queues: { direction: string; length_m: number; vehicles_observed: number; vehicles_estimated: number; vehicles_expected: number | null; vehicles_interval: [number, number] | null; filled: number }[];
  pieces: { pieces: number; reversed: number; stretches: number } | null;
  images: number;
  detections: [number, number, number][];
}

function child<T>(...args: string[]): T {
  const out = execFileSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 27 });
  return JSON.parse(out) as T;
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const pct = (a: number, b: number) => `${((100 * (a - b)) / b).toFixed(1)} %`;

/** The synth road cut into `n` pieces as an OSM export has them: shuffled, some reversed, small gaps. */
function osmPieces(roadFile: string, n: number, seed: number): string {
  const fc = JSON.parse(readFileSync(roadFile, 'utf8'));
  const coords: [number, number][] = fc.features[0].geometry.coordinates;
  const rng = createRng(seed);
  const cuts = Array.from({ length: n + 1 }, (_, i) => Math.round((i * (coords.length - 1)) / n));
  const pieces = cuts.slice(1).map((end, k) => {
    const piece = coords.slice(cuts[k], end + 1);
    // Every third piece starts a tenth of a segment (≤ 10 m) late: a small gap at the junction.
    if (k % 3 === 2) {
      const [a, b] = piece;
      piece[0] = [a[0] + 0.1 * (b[0] - a[0]), a[1] + 0.1 * (b[1] - a[1])];
    }
    return k % 4 === 1 ? piece.reverse() : piece;
  });
  const shuffled = pieces.map((p) => ({ p, key: rng.next() })).sort((a, b) => a.key - b.key).map(({ p }) => p);
  return JSON.stringify({
    type: 'FeatureCollection',
    features: shuffled.map((coordinates, i) => ({ type: 'Feature', properties: { name: 'Border road', ref: 'M 6', osm_way: i }, geometry: { type: 'LineString', coordinates } })),
  });
}

/** Detections matched to truth vehicles by centre (within 2 m), for direction and calibration. */
function match(dets: readonly [number, number, number][], truth: SceneTruth): { matched: number; rightDirection: number; truthCounted: number } {
  const gsd = truth.image.gsd_m;
  const cell = Math.ceil(4 / gsd);
  const grid = new Map<string, number[]>();
  truth.vehicles.forEach((v, i) => {
    const k = `${Math.floor(v.center_px[0] / cell)},${Math.floor(v.center_px[1] / cell)}`;
    (grid.get(k) ?? grid.set(k, []).get(k)!).push(i);
  });
  const used = new Uint8Array(truth.vehicles.length);
  let matched = 0;
  let rightDirection = 0;
  for (const [x, y, forward] of dets) {
    let best = -1;
    let bestD = 2 / gsd;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const i of grid.get(`${Math.floor(x / cell) + dx},${Math.floor(y / cell) + dy}`) ?? []) {
          const d = Math.hypot(truth.vehicles[i].center_px[0] - x, truth.vehicles[i].center_px[1] - y);
          if (!used[i] && d < bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    if (best < 0) continue;
    used[best] = 1;
    matched++;
    if ((truth.vehicles[best].direction === 'forward') === (forward === 1)) rightDirection++;
  }
  // Vehicles under nodata or cloud cannot be detected: the fill estimates them, recall does not.
  const inHidden = (v: SceneTruth['vehicles'][number]) => truth.hidden.some((h) => v.chainage_m > h.start_m && v.chainage_m < h.end_m);
  return { matched, rightDirection, truthCounted: truth.vehicles.filter((v) => !inHidden(v)).length };
}

async function calibrate(gsd: number): Promise<QualityEntry[]> {
  const long = Math.round(3000 / gsd);
  const stem = `${DIR}/calib-${gsd}`;
  child<SynthFigures>('synth', `${stem}.tif`, JSON.stringify({ seed: 9100 + Math.round(gsd * 10), gsd, width: long, height: Math.round(450 / gsd), queueLength: 3000, otherDirection: 'sparse', road: 'curved' }), '1');
  const c = child<CountFigures>('count', `${stem}.tif`, `${stem}.road.geojson`, '-');
  const truth = JSON.parse(readFileSync(`${stem}.truth.json`, 'utf8')) as SceneTruth;
  const m = match(c.detections, truth);
  const q = { gsd_m: gsd, class: 'vehicle', precision: m.matched / c.detections.length, recall: m.matched / m.truthCounted, n_truth: m.truthCounted, set: `synth calibration seed ${9100 + Math.round(gsd * 10)}` };
  say(`calibration ${gsd} m: precision ${q.precision.toFixed(3)}, recall ${q.recall.toFixed(3)} over ${q.n_truth} vehicles`);
  return [q];
}

/**
 * The calibration of the model now in DEFAULT_MODEL_PATH: reused from an earlier run of the same
 * model file (its scenes are deterministic), measured again when the model changed.
 */
async function calibration(): Promise<QualityEntry[]> {
  const cacheFile = `${DIR}/calibration.json`;
  const model = createHash('sha256').update(readFileSync(DEFAULT_MODEL_PATH)).digest('hex');
  if (existsSync(cacheFile)) {
    const kept = JSON.parse(readFileSync(cacheFile, 'utf8')) as { model: string; quality: QualityEntry[] };
    if (kept.model === model) {
      say(`calibration (kept, same model): ${JSON.stringify(kept.quality)}`);
      return kept.quality;
    }
  }
  const quality = [...(await calibrate(0.3)), ...(await calibrate(0.5))];
  writeFileSync(cacheFile, JSON.stringify({ model, quality }));
  return quality;
}

/** `--gsd 0.5` runs one GSD. */
export async function seedScaleBench(argv: readonly string[] = process.argv): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  // The counts' children read the calibration from this file.
  const qualityFile = `${DIR}/quality.json`;
  writeFileSync(qualityFile, JSON.stringify(await calibration()));
  const only = argv.indexOf('--gsd') >= 0 ? Number(argv[argv.indexOf('--gsd') + 1]) : null;
  for (const gsd of [0.3, 0.5].filter((g) => only === null || g === only)) {
    const width = Math.round(21_000 / gsd);
    const height = Math.round(450 / gsd);
    const stem = `${DIR}/border-${gsd}`;
    const opts = { seed: 4401, gsd, width, height, queueLength: 20_000, hidden: 0.05, otherDirection: 'empty', road: 'curved' };
    const s = child<SynthFigures>('synth', `${stem}.tif`, JSON.stringify(opts), '3');
    const truth = JSON.parse(readFileSync(`${stem}.truth.json`, 'utf8')) as SceneTruth;
    const tq = truth.queues.find((q) => q.jammed)!;
    writeFileSync(`${stem}.pieces.geojson`, osmPieces(`${stem}.road.geojson`, 10, 14));
    const c = child<CountFigures>('count', s.image, `${stem}.pieces.geojson`, qualityFile);
    const m = match(c.detections, truth);
    const q = c.queues.find((x) => x.direction === tq.direction);
    say(`\nseed scale at ${gsd} m: ${width}×${height} px, ${(truth.road.length_m / 1000).toFixed(1)} km of road, ${tq.vehicles} queued (${truth.counts.by_class.truck} trucks), as ${c.images} tiles; road in ${c.pieces?.pieces} pieces (${c.pieces?.reversed} reversed, ${c.pieces?.stretches} stretch)`);
    say(`  synth: ${s.wall_s.toFixed(0)} s, peak RSS ${s.peak_rss_mb.toFixed(0)} MB`);
    say(`  count: ${c.wall_s.toFixed(1)} s wall (${c.timing.tiles} corridor tiles, inference ${c.timing.inference_s.toFixed(1)} s), peak RSS ${c.peak_rss_mb.toFixed(0)} MB`);
    say(`  direction: ${((100 * m.rightDirection) / m.matched).toFixed(2)} % right (${m.matched - m.rightDirection} of ${m.matched} matched detections wrong); ${c.counts.verge ?? 0} outside the lanes`);
    if (!q) {
      say(`  queue: none found (truth ${tq.length_m} m)`);
      continue;
    }
    const inside = q.vehicles_interval && q.vehicles_interval[0] <= tq.vehicles && tq.vehicles <= q.vehicles_interval[1];
    say(`  queue length: ${q.length_m} m vs ${tq.length_m} m (${pct(q.length_m, tq.length_m)})`);
    say(`  vehicles: ${q.vehicles_observed} seen, ~${q.vehicles_estimated} estimated (${pct(q.vehicles_estimated, tq.vehicles)}), corrected ~${q.vehicles_expected} (${pct(q.vehicles_expected ?? NaN, tq.vehicles)}) vs ${tq.vehicles} in truth`);
    say(`  95 % interval: ${q.vehicles_interval?.join('–')}: ${inside ? 'contains' : 'MISSES'} the truth`);
    // What a user gets: the shipped model's own quality, measured on real validation sets of other kinds of scene.
    const own = child<CountFigures>('count', s.image, `${stem}.pieces.geojson`, '-').queues.find((x) => x.direction === tq.direction);
    if (own?.vehicles_interval) {
      const ownInside = own.vehicles_interval[0] <= tq.vehicles && tq.vehicles <= own.vehicles_interval[1];
      say(`  with the model's own quality: corrected ~${own.vehicles_expected} (${pct(own.vehicles_expected ?? NaN, tq.vehicles)}), 95 % interval ${own.vehicles_interval.join('–')}: ${ownInside ? 'contains' : 'MISSES'} the truth`);
    } else say(`  with the model's own quality: none (the model states no quality)`);
  }
}
