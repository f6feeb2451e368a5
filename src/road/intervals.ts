/**
 * How sure a count is: 95 % intervals from the detector's measured precision and recall at the
 * image's pixel size, and from the spread of queue density for road filled where it is hidden.
 * Pure functions; the method is documented in the README ("How sure").
 */
import type { QualityEntry } from '../types.js';
import type { Queue } from './types.js';

/** Precision and recall for one pixel size, with the validation truth they were measured on. */
export interface DetectionQuality {
  gsd_m: number;
  precision: number;
  recall: number;
  /** Validation vehicles behind the figures (their own uncertainty shrinks with it). */
  n_truth: number;
  /**
   * Relative standard deviation of the correction precision/recall between validation sets (kinds
   * of imagery): how far a new image's correction may sit from the pooled one. 0 with one set.
   */
  between_sets: number;
}

export interface Estimate {
  /** Vehicles expected in truth once false alarms and misses are accounted for. */
  expected: number;
  /** 95 % interval, whole vehicles. */
  interval: [low: number, high: number];
}

/** Two-sided 95 % normal quantile. */
const Z95 = 1.959964;
/** Block length for the spread of queue density along the visible queue, metres. */
export const DENSITY_BLOCK_M = 100;

/** Sample variance (n − 1 in the denominator) of at least two values. */
function sampleVariance(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
}

type Tally = { tp: number; det: number; truth: number };

function add(t: Tally, e: QualityEntry): void {
  const tp = e.recall * e.n_truth;
  t.tp += tp;
  t.truth += e.n_truth;
  t.det += e.precision > 0 ? tp / e.precision : 0;
}

/**
 * One band: classes and sets pooled (precision weighted by the detections behind it, recall by the
 * truth); the between-set spread is the sample standard deviation of the sets' own corrections
 * (each set's classes pooled), relative to the pooled correction. Sets are kinds of imagery (real
 * satellite, packed aerial car parks, drone frames): a user's image is a new draw from them, so the
 * spread is not divided by their number.
 */
function poolBand(gsd_m: number, entries: readonly QualityEntry[]): DetectionQuality | null {
  const all: Tally = { tp: 0, det: 0, truth: 0 };
  const bySet = new Map<string, Tally>();
  for (const e of entries) {
    add(all, e);
    add(bySet.get(e.set) ?? bySet.set(e.set, { tp: 0, det: 0, truth: 0 }).get(e.set)!, e);
  }
  if (all.truth <= 0 || all.det <= 0) return null;
  const precision = all.tp / all.det;
  const recall = all.tp / all.truth;
  const ratios = [...bySet.values()].filter((t) => t.truth > 0 && t.tp > 0).map((t) => t.truth / t.det);
  const between_sets = ratios.length >= 2 ? Math.sqrt(sampleVariance(ratios)) / (precision / Math.max(recall, 1e-3)) : 0;
  return { gsd_m, precision, recall, n_truth: all.truth, between_sets };
}

/**
 * Precision and recall at `gsd_m`: pooled per GSD band (poolBand), then linear interpolation
 * between the two nearest bands, clamped beyond the outermost. Null when the model states no quality.
 *
 * @example qualityAtGsd([{ gsd_m: 0.3, class: 'car', precision: 0.9, recall: 0.85, n_truth: 1234, set: 'v' }], 0.4)
 */
export function qualityAtGsd(entries: readonly QualityEntry[] | undefined, gsd_m: number): DetectionQuality | null {
  if (!entries || entries.length === 0) return null;
  const gsds = [...new Set(entries.map((e) => e.gsd_m))].sort((a, b) => a - b);
  const pooled = gsds.map((g) => poolBand(g, entries.filter((e) => e.gsd_m === g))).filter((b): b is DetectionQuality => b !== null);
  if (pooled.length === 0) return null;
  if (gsd_m <= pooled[0].gsd_m) return { ...pooled[0], gsd_m };
  const last = pooled[pooled.length - 1];
  if (gsd_m >= last.gsd_m) return { ...last, gsd_m };
  const i = pooled.findIndex((b) => b.gsd_m >= gsd_m);
  const [a, b] = [pooled[i - 1], pooled[i]];
  const t = (gsd_m - a.gsd_m) / (b.gsd_m - a.gsd_m);
  const lerp = (u: number, v: number) => u + t * (v - u);
  return {
    gsd_m,
    precision: lerp(a.precision, b.precision),
    recall: lerp(a.recall, b.recall),
    n_truth: Math.min(a.n_truth, b.n_truth),
    between_sets: lerp(a.between_sets, b.between_sets),
  };
}

/**
 * Corrected detections and their variance. T true vehicles give T·recall hits (binomial) and
 * about T·recall·(1−precision)/precision false alarms (Poisson), so the N detections vary by
 * N·p·(1−r) + N·(1−p) and T = N·p/r by (p/r)² times that (`sampling`). Precision and recall
 * themselves are known only to their validation sample (binomial variance), and differ between
 * kinds of imagery (`between_sets`): both go into `relParam`.
 */
function corrected(detected: number, q: DetectionQuality): { mean: number; variance: number; sampling: number } {
  const p = q.precision;
  const r = Math.max(q.recall, 1e-3);
  const mean = (detected * p) / r;
  const sampling = ((p / r) ** 2) * (detected * p * (1 - r) + detected * (1 - p));
  const nDetections = (q.n_truth * r) / Math.max(p, 1e-3);
  const relParam = (1 - p) / (p * nDetections) + (1 - r) / (r * q.n_truth) + q.between_sets ** 2;
  return { mean, sampling, variance: sampling + mean * mean * relParam };
}

function interval(mean: number, variance: number, floor: number): Estimate {
  const sd = Math.sqrt(Math.max(0, variance));
  return {
    expected: Math.round(mean),
    interval: [Math.max(floor, Math.floor(mean - Z95 * sd)), Math.ceil(mean + Z95 * sd)],
  };
}

/**
 * Vehicles truly present given `detected` detections: detected·precision/recall, with a 95 %
 * interval that can never fall below the true positives the detections must hold.
 *
 * @example countEstimate(1447, { gsd_m: 0.3, precision: 0.97, recall: 0.93, n_truth: 2000, between_sets: 0.05 })
 */
export function countEstimate(detected: number, q: DetectionQuality): Estimate {
  const c = corrected(detected, q);
  return interval(c.mean, c.variance, 0);
}

/** What a queue's interval needs beyond the Queue itself. */
export interface QueueEvidence {
  /** Chainages of the queue's vehicles seen on visible road (not inside a filled stretch). */
  visibleChainages: readonly number[];
}

/**
 * A queue's vehicles with detection and fill uncertainty. Visible road: corrected detections as
 * in countEstimate. Each filled stretch holds the corrected density × its length × lanes (at least
 * the corrected vehicles seen in it); how much a stretch of road of that length can differ from
 * the average is the spread of corrected counts between 100 m blocks of the visible queue,
 * scaled to its length (blocks taken as independent), less the detection noise already counted
 * (at least the Poisson variance when too few blocks show a spread). Variances add; the detection part scales
 * with the share of the queue the fill extrapolates, since fill and visible count share it.
 */
export function queueEstimate(q: Queue, evidence: QueueEvidence, quality: DetectionQuality): Estimate {
  const detectedVisible = evidence.visibleChainages.length;
  const vis = corrected(detectedVisible, quality);
  const factor = vis.mean / Math.max(detectedVisible, 1);
  const density = q.visible_length_m > 0 ? vis.mean / (q.lanes * q.visible_length_m) : 0;
  let fill = 0;
  let fillLength = 0;
  for (const f of q.filled) {
    fill += Math.max(f.vehicles_seen * factor, density * f.length_m * f.lanes);
    fillLength += f.length_m;
  }
  const scale = q.visible_length_m > 0 ? 1 + fillLength / q.visible_length_m : 1;
  // Detection noise is in the block spread too and already counted above: only the excess is the road's own.
  const detectionPerBlock = q.visible_length_m > 0 ? (vis.sampling * DENSITY_BLOCK_M) / q.visible_length_m : 0;
  const blockVariance = Math.max(0, blockSpread(evidence.visibleChainages, q, factor) - detectionPerBlock);
  const mean = vis.mean + fill;
  const variance = vis.variance * scale * scale + (fillLength / DENSITY_BLOCK_M) * blockVariance;
  return interval(mean, variance, Math.round(q.vehicles_observed * quality.precision));
}

/**
 * Variance of corrected vehicle counts between whole 100 m blocks of visible queue. With fewer
 * than 3 blocks it falls back to the Poisson variance of a block's mean count.
 */
function blockSpread(chainages: readonly number[], q: Queue, factor: number): number {
  const hidden = q.filled.map((f) => [f.start_m, f.end_m] as const);
  const blocks: number[] = [];
  for (let a = q.start_m; a + DENSITY_BLOCK_M <= q.end_m; a += DENSITY_BLOCK_M) {
    const b = a + DENSITY_BLOCK_M;
    if (hidden.some(([h0, h1]) => h0 < b && h1 > a)) continue;
    blocks.push(chainages.filter((c) => c >= a && c < b).length * factor);
  }
  if (blocks.length < 3) return q.visible_length_m > 0 ? (chainages.length * factor * DENSITY_BLOCK_M) / q.visible_length_m : 0;
  return sampleVariance(blocks);
}
