import type { Direction, RoadPlacement } from '../types.js';
import type { ChainageRange, FilledStretch, HiddenByDirection, HiddenReason, HiddenStretch, Queue } from './types.js';

export interface QueueOptions {
  /** Largest visible gap between consecutive vehicles inside one queue, metres. */
  maxGap_m?: number;
  /**
   * The end of the line the queue of interest waits at (e.g. the border post). A queue's head is
   * always downstream (forward traffic's at the end, backward's at the start), so this only
   * orders the result: the queue of the traffic heading for this end comes first.
   */
  queueHead: 'start' | 'end';
  /** Road that cannot be seen: one list for both carriageways, or one per direction. */
  hidden: readonly HiddenStretch[] | HiddenByDirection;
  /** Chainage ranges inside the image; the rest of the road counts as hidden ('image-edge'). */
  coveredRanges: readonly ChainageRange[];
  /** Road length, metres (RoadModel.length_m). */
  length_m: number;
  /** Fewer vehicles than this do not make a queue. */
  minVehicles?: number;
  /**
   * Half of each vehicle's length along the road, metres, aligned with `placed`. Gaps are then the
   * free road between bumpers, and queue ends the outer bumpers: with trucks 16 m long, centre
   * distances alone would break a jam at every truck. Default: 0 (centre to centre).
   */
  halfLengths?: readonly number[];
}

/** A lane must hold this share of a queue's vehicles to count among its lanes. */
const LANE_SHARE = 0.1;
/** A run nearer the head than the largest run must hold this share of its vehicles to be the queue. */
const LEAD_SHARE = 0.1;

/**
 * The queue of each direction: starting from the head end (a queue's head is downstream: the end
 * of the line for forward traffic, the start for backward traffic), the first run of at least
 * `minVehicles` vehicles whose consecutive gaps along the road are ≤ `maxGap_m` and that holds at
 * least a tenth of the vehicles of the direction's largest run. A longer gap whose
 * visible pieces are each ≤ `maxGap_m` once hidden road is taken out is bridged; the hidden road
 * inside the queue is then filled with the queue's observed vehicles per lane-metre over its
 * visible length, and each fill is listed in `filled`. Hidden road between the head end of the
 * line and the first vehicle is filled the same way (a queue starts at its head), except beyond
 * the image edge. Lengths run between the outer bumpers (vehicle centres when no `halfLengths`).
 *
 * @example findQueues(placements, { queueHead: 'end', hidden, coveredRanges: road.coveredRanges, length_m: road.length_m })
 */
export function findQueues(placed: readonly (RoadPlacement | null)[], opts: QueueOptions): Queue[] {
  const queues: Queue[] = [];
  const order = opts.queueHead === 'end' ? (['forward', 'backward'] as const) : (['backward', 'forward'] as const);
  for (const direction of order) {
    const headAtEnd = direction === 'forward';
    const hidden = hiddenFor(direction, opts);
    const queue = headQueue(
      placed.flatMap((p, i) => (p !== null && p.direction === direction ? [{ ...p, half: opts.halfLengths?.[i] ?? 0 }] : [])),
      direction,
      headAtEnd,
      hidden,
      opts,
    );
    if (queue) queues.push(queue);
  }
  return queues;
}

/** Distances from the head end ("u"), so one walk serves both ends; intervals are [a, b] with a < b. */
interface Span {
  a: number;
  b: number;
  reason: HiddenReason;
}

function headQueue(
  vehicles: (RoadPlacement & { half: number })[],
  direction: Direction,
  headAtEnd: boolean,
  hiddenChainage: HiddenStretch[],
  opts: QueueOptions,
): Queue | null {
  const maxGap = opts.maxGap_m ?? 25;
  const minVehicles = opts.minVehicles ?? 3;
  const L = opts.length_m;
  const toU = (c: number) => (headAtEnd ? L - c : c);
  const hidden: Span[] = hiddenChainage
    .map((h) => ({ a: Math.min(toU(h.start_m), toU(h.end_m)), b: Math.max(toU(h.start_m), toU(h.end_m)), reason: h.reason }))
    .sort((x, y) => x.a - y.a);
  const sorted = vehicles.map((v) => ({ v, u: toU(v.chainage_m) })).sort((x, y) => x.u - y.u);

  // Pieces are runs with visible gaps ≤ maxGap. Walking from the head, a piece joins the run
  // across hidden road only when it and the piece before both hold a queue's worth of vehicles
  // seen outside hidden road, so two stray cars either side of a cloud do not make a queue
  // through it; a piece seen only through gaps in the hidden road neither helps nor blocks.
  type Item = (typeof sorted)[number];
  const isHidden = (u: number) => hidden.some((h) => u > h.a && u < h.b);
  const pieces: { items: Item[]; bridgeable: boolean; visible: number }[] = [];
  for (const item of sorted) {
    const piece = pieces[pieces.length - 1];
    const prev = piece?.items[piece.items.length - 1];
    if (prev && item.u - item.v.half - (prev.u + prev.v.half) <= maxGap) piece.items.push(item);
    else pieces.push({ items: [item], bridgeable: prev !== undefined && joins(prev.u + prev.v.half, item.u - item.v.half, hidden, maxGap), visible: 0 });
    if (!isHidden(item.u)) pieces[pieces.length - 1].visible++;
  }
  const runs: { items: Item[]; visible: number }[] = [];
  let lastVisible = 0;
  for (const piece of pieces) {
    const bridge = piece.bridgeable && (piece.visible === 0 || (lastVisible >= minVehicles && piece.visible >= minVehicles));
    const run = runs[runs.length - 1];
    if (bridge && run) {
      for (const item of piece.items) run.items.push(item);
      run.visible += piece.visible;
    } else runs.push({ items: piece.items, visible: piece.visible });
    if (piece.visible > 0) lastVisible = piece.visible;
  }
  // A queue needs `minVehicles` seen outside hidden road; the first such run from the head wins,
  // unless it is a handful ahead of a jam many times its size: three false alarms on an empty
  // verge past the border post must not stand for a 20 km queue behind them.
  const largest = runs.reduce((m, r) => Math.max(m, r.visible), 0);
  const chosen = runs.find((r) => r.visible >= minVehicles && r.visible >= LEAD_SHARE * largest);
  if (!chosen) return null;
  const queueRun = chosen.items;

  const last = queueRun[queueRun.length - 1];
  const uTail = last.u + last.v.half;
  const uHead = headThroughHidden(queueRun[0].u - queueRun[0].v.half, hidden, maxGap);
  const inside = hidden
    .map((h) => ({ a: Math.max(h.a, uHead), b: Math.min(h.b, uTail), reason: h.reason }))
    .filter((h) => h.b > h.a);
  const hiddenLength = inside.reduce((s, h) => s + (h.b - h.a), 0);
  const length = uTail - uHead;
  const visible = length - hiddenLength;
  const lanes = occupiedLanes(queueRun.map((x) => x.v.lane));
  const observed = queueRun.length;
  const seen = inside.map((h) => queueRun.filter((x) => x.u > h.a && x.u < h.b).length);
  const seenHidden = seen.reduce((n, k) => n + k, 0);
  // Vehicles per lane-metre over the part of the queue that can be seen.
  const density = visible > 0 ? (observed - seenHidden) / (lanes * visible) : 0;
  const fromU = (u: number) => (headAtEnd ? L - u : u);
  // A stretch holds density × length × lanes; the few vehicles still seen there are not added twice.
  const fills = inside.map((h, i) => ({ h, seen: seen[i], added: Math.max(0, density * (h.b - h.a) * lanes - seen[i]) }));
  const filled: FilledStretch[] = fills
    .map(({ h, seen, added }) => {
      const a = fromU(h.a);
      const b = fromU(h.b);
      return {
        start_m: round(Math.min(a, b), 2),
        end_m: round(Math.max(a, b), 2),
        reason: h.reason,
        at_head: h.a < queueRun[0].u,
        length_m: round(h.b - h.a, 2),
        density_per_lane_per_km: round(density * 1000, 2),
        lanes,
        vehicles_seen: seen,
        vehicles_added: round(added, 1),
      };
    })
    .sort((x, y) => x.start_m - y.start_m);
  const added = fills.reduce((s, f) => s + f.added, 0);
  return {
    direction,
    start_m: round(Math.min(fromU(uHead), fromU(uTail)), 2),
    end_m: round(Math.max(fromU(uHead), fromU(uTail)), 2),
    length_m: round(length, 2),
    lanes,
    vehicles_observed: observed,
    vehicles_estimated: Math.round(observed + added),
    head: headAtEnd ? 'end' : 'start',
    head_m: round(fromU(uHead), 2),
    head_gap_m: round(uHead, 2),
    visible_length_m: round(visible, 2),
    density_per_lane_per_km: round(density * 1000, 2),
    filled,
    head_reason: endReason(uHead, -1, hidden, maxGap, 0),
    tail_reason: endReason(uTail, +1, hidden, maxGap, L),
  };
}

/**
 * A queue starts at its head. When the road between the head end of the line and the first
 * vehicle seen is hidden (cloud, nodata — not the image edge, beyond which the line may run on
 * for kilometres) apart from visible gaps ≤ maxGap, the queue is taken to run on under the
 * hidden road: it starts where that road starts to be hidden.
 */
function headThroughHidden(uFirst: number, hidden: readonly Span[], maxGap: number): number {
  const before = hidden.filter((h) => h.a < uFirst && h.b > 0);
  if (before.length === 0 || before.some((h) => h.reason === 'image-edge') || !joins(0, uFirst, before, maxGap)) return uFirst;
  return Math.max(0, before[0].a);
}

/** Consecutive vehicles at u1 < u2 belong together when every visible piece of the gap is ≤ maxGap. */
function joins(u1: number, u2: number, hidden: readonly Span[], maxGap: number): boolean {
  if (u2 - u1 <= maxGap) return true;
  let cursor = u1;
  for (const h of hidden) {
    if (h.b <= cursor || h.a >= u2) continue;
    if (h.a - cursor > maxGap) return false;
    cursor = Math.max(cursor, h.b);
  }
  return u2 - cursor <= maxGap;
}

/**
 * Why the queue stops on one side of u (sign −1: toward the head end, +1: toward the tail):
 * hidden road or the end of the line within maxGap may hide more of it.
 */
function endReason(u: number, sign: -1 | 1, hidden: readonly Span[], maxGap: number, lineEnd: number): Queue['tail_reason'] {
  const near = hidden
    .filter((h) => (sign < 0 ? h.a < u && u - h.b <= maxGap : h.b > u && h.a - u <= maxGap))
    .sort((x, y) => (sign < 0 ? y.b - x.b : x.a - y.a))[0];
  if (near) return near.reason;
  return Math.abs(lineEnd - u) <= maxGap ? 'road-end' : 'gap';
}

function hiddenFor(direction: Direction, opts: QueueOptions): HiddenStretch[] {
  const given = Array.isArray(opts.hidden) ? opts.hidden : (opts.hidden as HiddenByDirection)[direction];
  const outside: HiddenStretch[] = [];
  let cursor = 0;
  for (const r of [...opts.coveredRanges].sort((a, b) => a.start_m - b.start_m)) {
    if (r.start_m > cursor) outside.push({ start_m: cursor, end_m: r.start_m, reason: 'image-edge' });
    cursor = Math.max(cursor, r.end_m);
  }
  if (cursor < opts.length_m) outside.push({ start_m: cursor, end_m: opts.length_m, reason: 'image-edge' });
  return mergeHidden([...given, ...outside]);
}

/** Overlapping stretches merge; where reasons differ the earlier stretch keeps its reason. */
function mergeHidden(stretches: HiddenStretch[]): HiddenStretch[] {
  const out: HiddenStretch[] = [];
  for (const s of [...stretches].sort((a, b) => a.start_m - b.start_m)) {
    const last = out[out.length - 1];
    if (last && s.start_m <= last.end_m) {
      if (s.reason === last.reason || s.end_m <= last.end_m) last.end_m = Math.max(last.end_m, s.end_m);
      else out.push({ ...s, start_m: last.end_m });
    } else out.push({ ...s });
  }
  return out;
}

function occupiedLanes(lanes: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const lane of lanes) counts.set(lane, (counts.get(lane) ?? 0) + 1);
  const busy = [...counts.values()].filter((n) => n >= LANE_SHARE * lanes.length).length;
  return Math.max(1, busy);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
