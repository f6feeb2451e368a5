import type { Direction, RoadPlacement } from '../types.js';
import { cross, projectionParameter } from './geometry.js';
import { inLane, learnLanes, MIN_VEHICLES_FOR_LANES } from './lanes.js';
import type { MetricPoint, RoadModel } from './types.js';

export interface PlaceOptions {
  /** Half-width of the corridor, metres each side of the centre line. */
  corridor_m: number;
  driveSide: 'right' | 'left';
  /** Lane width for lane indices; estimated from the offsets when absent. */
  laneWidth_m?: number;
}

interface Segment {
  a: MetricPoint;
  b: MetricPoint;
  c0: number;
  c1: number;
  /** Direction (any length) that decides the side of a point projecting onto the start / end vertex. */
  startTangent: MetricPoint;
  endTangent: MetricPoint;
  /** The segment starts / ends a part: points beyond that end are off the road (flat corridor caps). */
  capStart: boolean;
  capEnd: boolean;
}

/**
 * Places points (vehicle centres in the metric frame) on the road: chainage, signed offset,
 * direction, lane, and whether the point lies outside every lane the vehicles show (`verge`: a
 * car on the shoulder, a shadow on the road edge, a false alarm beside the road). Each point attaches to the nearest segment of the line, so on a hairpin or
 * a road that comes back near itself it keeps the chainage of the leg it is on. Points farther
 * than `corridor_m` from the line, or beyond either end of a part, get null.
 *
 * Deterministic edge cases: a point exactly on the centre line has offset 0 and counts as on the
 * right-hand side (forward with right-hand traffic, backward with left-hand traffic); a point
 * equally near two legs attaches to the one drawn first.
 *
 * @example placeOnRoad(road, centres.map(frame.pixelToMetric), { corridor_m: 20, driveSide: 'right' })
 */
export function placeOnRoad(road: RoadModel, pointsMetric: readonly MetricPoint[], opts: PlaceOptions): (RoadPlacement | null)[] {
  const index = new SegmentGrid(segmentsOf(road), opts.corridor_m);
  const raw = pointsMetric.map((p) => nearestOnRoad(p, index.near(p), opts.corridor_m));
  const placed: (RoadPlacement | null)[] = raw.map((hit) => {
    if (!hit) return null;
    const rightSide = hit.offset >= 0;
    const forward = opts.driveSide === 'right' ? rightSide : !rightSide;
    const direction: Direction = forward ? 'forward' : 'backward';
    return { chainage_m: hit.chainage, offset_m: hit.offset, direction, lane: 0, verge: false };
  });
  const all = placed.filter((p): p is RoadPlacement => p !== null);
  // A direction with too few vehicles to show its lanes borrows both directions' (roads are mostly symmetric).
  const pooled = all.length >= MIN_VEHICLES_FOR_LANES ? learnLanes(all.map((p) => Math.abs(p.offset_m)), opts.laneWidth_m) : null;
  for (const direction of ['forward', 'backward'] as const) {
    const group = all.filter((p) => p.direction === direction);
    const own = group.length >= MIN_VEHICLES_FOR_LANES ? learnLanes(group.map((p) => Math.abs(p.offset_m)), opts.laneWidth_m) : null;
    const layout = own ?? pooled ?? learnLanes(group.map((p) => Math.abs(p.offset_m)), opts.laneWidth_m);
    if (!layout) continue;
    for (const p of group) {
      const d = Math.abs(p.offset_m);
      p.lane = Math.max(0, Math.round((d - layout.inner_m) / layout.width_m));
      p.verge = (own ?? pooled) !== null && !inLane(layout, d);
    }
  }
  return placed;
}

function nearestOnRoad(p: MetricPoint, candidates: readonly Segment[], corridor: number): { chainage: number; offset: number } | null {
  let best: { d: number; seg: Segment; t: number } | null = null;
  for (const seg of candidates) {
    const raw = projectionParameter(p, seg.a, seg.b);
    if ((seg.capStart && raw < 0) || (seg.capEnd && raw > 1)) continue;
    const t = Math.min(1, Math.max(0, raw));
    const d = Math.hypot(p[0] - (seg.a[0] + t * (seg.b[0] - seg.a[0])), p[1] - (seg.a[1] + t * (seg.b[1] - seg.a[1])));
    // Candidates come in drawing order and only a strictly nearer one replaces the best: ties go to the leg drawn first.
    if (d <= corridor && (!best || d < best.d)) best = { d, seg, t };
  }
  if (!best) return null;
  const { d, seg, t } = best;
  // At a vertex the side comes from the mean tangent of the two segments meeting there, so a
  // point outside a bend is not flipped by whichever segment won the tie.
  const tangent = t <= 0 ? seg.startTangent : t >= 1 ? seg.endTangent : null;
  const foot = pointAt(seg, t);
  const left = tangent ? cross([0, 0], tangent, [p[0] - foot[0], p[1] - foot[1]]) : cross(seg.a, seg.b, p);
  const offset = left > 0 ? -d : d;
  return { chainage: seg.c0 + t * (seg.c1 - seg.c0), offset: offset === 0 ? 0 : offset };
}

function pointAt(seg: Segment, t: number): MetricPoint {
  return [seg.a[0] + t * (seg.b[0] - seg.a[0]), seg.a[1] + t * (seg.b[1] - seg.a[1])];
}

function segmentsOf(road: RoadModel): Segment[] {
  const out: Segment[] = [];
  for (const part of road.parts) {
    const { metric, chainage } = part;
    const n = metric.length - 1;
    const unit = (i: number): MetricPoint => {
      const dx = metric[i + 1][0] - metric[i][0];
      const dy = metric[i + 1][1] - metric[i][1];
      const len = Math.hypot(dx, dy);
      return [dx / len, dy / len];
    };
    const mean = (u: MetricPoint, v: MetricPoint): MetricPoint => [u[0] + v[0], u[1] + v[1]];
    for (let i = 0; i < n; i++) {
      const own = unit(i);
      out.push({
        a: metric[i],
        b: metric[i + 1],
        c0: chainage[i],
        c1: chainage[i + 1],
        startTangent: i > 0 ? mean(unit(i - 1), own) : own,
        endTangent: i < n - 1 ? mean(own, unit(i + 1)) : own,
        capStart: i === 0,
        capEnd: i === n - 1,
      });
    }
  }
  return out;
}

/** Uniform grid over the segments, each listed in every cell its corridor-grown box touches. */
class SegmentGrid {
  private readonly cells = new Map<string, Segment[]>();
  private readonly size: number;

  constructor(segments: readonly Segment[], corridor: number) {
    this.size = Math.max(10, 2 * corridor);
    for (const seg of segments) {
      const [cx0, cy0] = this.cell([Math.min(seg.a[0], seg.b[0]) - corridor, Math.min(seg.a[1], seg.b[1]) - corridor]);
      const [cx1, cy1] = this.cell([Math.max(seg.a[0], seg.b[0]) + corridor, Math.max(seg.a[1], seg.b[1]) + corridor]);
      for (let cx = cx0; cx <= cx1; cx++) {
        for (let cy = cy0; cy <= cy1; cy++) {
          const key = `${cx},${cy}`;
          const list = this.cells.get(key);
          if (list) list.push(seg);
          else this.cells.set(key, [seg]);
        }
      }
    }
  }

  near(p: MetricPoint): readonly Segment[] {
    const [cx, cy] = this.cell(p);
    return this.cells.get(`${cx},${cy}`) ?? [];
  }

  private cell(p: MetricPoint): [number, number] {
    return [Math.floor(p[0] / this.size), Math.floor(p[1] / this.size)];
  }
}
