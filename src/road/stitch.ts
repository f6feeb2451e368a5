import { SatcountError } from '../types.js';
import type { MetricPoint, StitchReport } from './types.js';

type Vertex = [number, number];

export interface StitchOptions {
  /** Piece ends closer than this (metres) meet: OSM ways share a node, hand-drawn ones leave small gaps. */
  joinTolerance_m?: number;
  /** Names the file in messages. */
  file: string;
  /** Road names or refs of the pieces: suggested when they branch; several that do not join are refused. */
  labels?: readonly string[];
}

/** Default junction tolerance: well above the few metres hand-cut ways leave, well below a lane-change merge. */
export const JOIN_TOLERANCE_M = 30;

/**
 * Orders the pieces of a road the way users have it (OSM ways: unordered, some drawn the other
 * way, small gaps at junctions) into continuous lines. Ends within the join tolerance meet; where
 * three or more ends meet the road branches and the order is ambiguous (SatcountError, exit 2), as
 * it is for a closed loop. Each stretch runs the way most of its length is drawn, so a file whose
 * pieces mostly follow the traffic keeps its forward direction; stretches that do not meet stay
 * separate parts, in the order of their first piece in the file.
 *
 * @example stitchParts([[[0, 0], [1, 0]], [[2, 0], [1, 0]]], (p) => p, { file: 'r.geojson' }).parts // [[[0,0],[1,0],[2,0]]]
 */
export function stitchParts(
  parts: readonly Vertex[][],
  toMetric: (p: Vertex) => MetricPoint,
  opts: StitchOptions,
): { parts: Vertex[][]; report: StitchReport } {
  const tol = opts.joinTolerance_m ?? JOIN_TOLERANCE_M;
  const n = parts.length;
  // End e of piece i: e = 2i is its first vertex, 2i + 1 its last.
  const ends = parts.flatMap((p) => [toMetric(p[0]), toMetric(p[p.length - 1])]);
  const vertexOf = (e: number): Vertex => {
    const p = parts[e >> 1];
    return e % 2 === 0 ? p[0] : p[p.length - 1];
  };
  const fail = (problem: string): never => {
    const hint = opts.labels && opts.labels.length > 1 ? ` (roads in the file: ${opts.labels.slice(0, 8).join(', ')})` : '';
    throw new SatcountError(`road ${opts.file}: ${problem}; pick one road with --road-name or --road-ref${hint}, or give it as one ordered line`);
  };

  const partner = pairEnds(ends, tol, (e, problem) => fail(`${problem} near ${fmt(vertexOf(e))}, so the road branches there`));

  const used = new Uint8Array(n);
  const chains: { piece: number; reversed: boolean }[][] = [];
  const walk = (startEnd: number) => {
    const chain: { piece: number; reversed: boolean }[] = [];
    let e = startEnd;
    while (e >= 0 && !used[e >> 1]) {
      const piece = e >> 1;
      used[piece] = 1;
      chain.push({ piece, reversed: e % 2 === 1 });
      e = partner[e ^ 1];
    }
    return chain;
  };
  for (let e = 0; e < 2 * n; e++) if (partner[e] < 0 && !used[e >> 1]) chains.push(walk(e));
  if (used.some((u) => u === 0)) fail(`the pieces starting at ${fmt(parts[used.indexOf(0)][0])} close into a loop, so the road has no start or end`);

  const lengthOf = (i: number) => {
    let s = 0;
    const p = parts[i];
    let prev = toMetric(p[0]);
    for (let k = 1; k < p.length; k++) {
      const m = toMetric(p[k]);
      s += Math.hypot(m[0] - prev[0], m[1] - prev[1]);
      prev = m;
    }
    return s;
  };
  if (chains.length > 1 && (opts.labels?.length ?? 0) > 1) fail(`the file holds several roads that do not join into one line`);
  const report: StitchReport = { pieces: n, reversed: 0, stretches: chains.length, gaps_bridged: [] };
  const out = chains
    .map((chain) => {
      const against = chain.reduce((s, c) => s + (c.reversed ? lengthOf(c.piece) : -lengthOf(c.piece)), 0);
      return against > 0 ? chain.reverse().map((c) => ({ piece: c.piece, reversed: !c.reversed })) : chain;
    })
    .sort((a, b) => Math.min(...a.map((c) => c.piece)) - Math.min(...b.map((c) => c.piece)))
    .map((chain) => {
      const line: Vertex[] = [];
      for (const { piece, reversed } of chain) {
        const coords = reversed ? [...parts[piece]].reverse() : parts[piece];
        if (reversed) report.reversed++;
        const last = line[line.length - 1];
        if (last) {
          const gap = dist(toMetric(last), toMetric(coords[0]));
          if (gap < 1e-3) {
            line.push(...coords.slice(1));
            continue;
          }
          report.gaps_bridged.push({ gap_m: Math.round(gap * 100) / 100, at: last });
        }
        line.push(...coords);
      }
      return line;
    });
  return { parts: out, report };
}

/**
 * Each end's partner: the nearest end of another piece within `tol`, when the choice is mutual.
 * Ends of one short piece both lie near a junction, so only each piece's nearer end competes;
 * a second piece about as near as the first (three ways sharing a node, a Y with small gaps) or a
 * choice that is not mutual is a branch.
 */
function pairEnds(ends: readonly MetricPoint[], tol: number, branch: (end: number, problem: string) => never): Int32Array {
  const cellOf = (p: MetricPoint): [number, number] => [Math.floor(p[0] / tol), Math.floor(p[1] / tol)];
  const grid = new Map<string, number[]>();
  ends.forEach((p, i) => {
    const key = cellOf(p).join(',');
    const list = grid.get(key);
    if (list) list.push(i);
    else grid.set(key, [i]);
  });
  const nearest = new Int32Array(ends.length).fill(-1);
  ends.forEach((p, e) => {
    const [cx, cy] = cellOf(p);
    const byPiece = new Map<number, number>();
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const f of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const d = dist(p, ends[f]);
          if (f >> 1 === e >> 1 || d > tol) continue;
          const seen = byPiece.get(f >> 1);
          if (seen === undefined || d < dist(p, ends[seen])) byPiece.set(f >> 1, f);
        }
      }
    }
    const near = [...byPiece.values()].sort((a, b) => dist(p, ends[a]) - dist(p, ends[b]));
    if (near.length === 0) return;
    const d0 = dist(p, ends[near[0]]);
    if (near.length > 1 && dist(p, ends[near[1]]) <= Math.max(1, 2 * d0)) branch(e, `${near.length + 1} pieces meet`);
    nearest[e] = near[0];
  });
  const partner = new Int32Array(ends.length).fill(-1);
  nearest.forEach((f, e) => {
    if (f < 0) return;
    if (nearest[f] !== e) branch(e, 'piece ends meet without a clear partner');
    partner[e] = f;
  });
  return partner;
}

function dist(a: MetricPoint, b: MetricPoint): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}

function fmt(p: Vertex): string {
  return `(${+p[0].toFixed(6)}, ${+p[1].toFixed(6)})`;
}
