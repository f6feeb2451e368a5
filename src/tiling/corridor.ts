import type { PixelWindow, Tile } from '../types.js';

/**
 * Tiles that follow a road corridor instead of a grid, for models that take any tile size.
 *
 * A ±15 m corridor is ~100 px wide at 0.3 m; 512² grid tiles infer ~6× its area, most of it
 * fields. Here the corridor is marked on a fine grid of cells, and the marked cells are covered by
 * rectangles (tile cores) chosen by a cost model of the detector's time per tile, so tiles hug
 * the road: long and low where it runs across the image, narrow where it climbs.
 */

/** One selection cell: `src` source pixels square, `model` model pixels (a multiple of the model's size step). */
export interface CorridorCell {
  src: number;
  model: number;
}

/** Detector time per tile is close to a + b × pixels (README "Corridor tiles"): a, as pixels of b. */
export const TILE_COST_PX = 8192;

/** Largest tile side (model pixels): long tiles pay the overlap less often, but hold the next read back. */
export const MAX_CORRIDOR_TILE_PX = 2048;

/** A scale one cell pair may miss the exact image-to-model scale by (the model sees a pixel size within 2 % of its own). */
const SCALE_TOLERANCE = 0.02;

/**
 * The smallest cell whose model side is a multiple of `multiple` and whose source side is a whole
 * number of pixels at (within 2 %) the image-to-model scale, so every tile built from cells has
 * one scale along both axes.
 *
 * @example corridorCell(0.3, 0.3, 32) // { src: 32, model: 32 }; corridorCell(0.5, 0.3, 32) // { src: 19, model: 32 }
 */
export function corridorCell(imageGsd: number, modelGsd: number, multiple: number): CorridorCell {
  const scale = imageGsd / modelGsd;
  let best: (CorridorCell & { error: number }) | null = null;
  for (let q = 1; q <= 16; q++) {
    const model = multiple * q;
    const src = Math.max(1, Math.round(model / scale));
    const error = Math.abs(model / src / scale - 1);
    if (error <= SCALE_TOLERANCE) return { src, model };
    if (!best || error < best.error) best = { src, model, error };
  }
  return { src: best!.src, model: best!.model };
}

export interface CorridorPlanOptions {
  /** Image size in full-resolution pixels. */
  width: number;
  height: number;
  cell: CorridorCell;
  /** Overlap between neighbouring tiles in model pixels, as for planTiles. */
  overlap: number;
  /**
   * Per cell (row-major, ceil(width / cell.src) columns): where along the road the corridor first
   * meets it, Infinity where it does not (cellsAlongCorridor). Tiles are read in this order.
   */
  along: Float64Array;
}

/** A core in cells: columns c0..c1 and rows r0..r1, ends excluded. */
interface CellRect {
  c0: number;
  c1: number;
  r0: number;
  r1: number;
}

/** Marked cells (1), row-major: the image's cells, or transposed, so one planner does both orientations. */
interface Marks {
  cols: number;
  rows: number;
  marked: Uint8Array;
}

/** Tallest strip the planner tries, in cells: the best strips are a few cells tall, and the search grows with this. */
const MAX_STRIP_CELLS = 64;

/**
 * Cores for the marked cells of one orientation: the columns are cut into chunks as wide as the
 * widest tile, and each chunk's rows into strips by dynamic programming on the cost; within a
 * strip, each run of marked columns is a core (neighbouring runs joined where one tile costs less
 * than two), trimmed to the rows marked in it. Cores are disjoint and cover every marked cell.
 */
function planCores(marks: Marks, margin: number, cellModel: number, maxCore: number): { cores: CellRect[]; cost: number } {
  const cost = (w: number, h: number) => TILE_COST_PX + (w + 2 * margin) * (h + 2 * margin) * cellModel * cellModel;
  const cores: CellRect[] = [];
  let total = 0;
  /**
   * The cost of one strip over columns c0..c1, given each column's first and last marked row in
   * the strip (lo[c − base] < 0: none); its cores go to `out` when given. Plain numbers, no
   * objects: the search below calls this for every strip it tries.
   */
  const strip = (c0: number, c1: number, lo: Int32Array, hi: Int32Array, base: number, out?: CellRect[]): number => {
    let sum = 0;
    // The core being grown (columns a0..a1, rows b0..b1); a0 < 0: none yet.
    let a0 = -1;
    let a1 = 0;
    let b0 = 0;
    let b1 = 0;
    const close = () => {
      sum += cost(a1 - a0, b1 - b0);
      out?.push({ c0: a0, c1: a1, r0: b0, r1: b1 });
    };
    for (let c = c0; c < c1; c++) {
      const l = lo[c - base];
      const h = hi[c - base];
      if (l < 0) continue;
      if (a0 >= 0) {
        const j0 = Math.min(b0, l);
        const j1 = Math.max(b1, h);
        // Joined when one tile costs no more than two; decided on the run's first column, as a join
        // that pays now keeps paying while both grow alike. Adjacent columns always join.
        if (a1 === c || cost(c + 1 - a0, j1 - j0) <= cost(a1 - a0, b1 - b0) + cost(1, h - l)) {
          a1 = c + 1;
          b0 = j0;
          b1 = j1;
          continue;
        }
        close();
      }
      a0 = c;
      a1 = c + 1;
      b0 = l;
      b1 = h;
    }
    if (a0 >= 0) close();
    return sum;
  };
  const maxStrip = Math.min(maxCore, MAX_STRIP_CELLS, marks.rows);
  // Each row's marked columns: the corridor marks a few cells of most rows.
  const rowMarks: number[][] = Array.from({ length: marks.rows }, () => []);
  for (let r = 0, k = 0; r < marks.rows; r++) for (let c = 0; c < marks.cols; c++, k++) if (marks.marked[k]) rowMarks[r].push(c);
  for (let c0 = 0; c0 < marks.cols; c0 += maxCore) {
    const c1 = Math.min(marks.cols, c0 + maxCore);
    const lo = new Int32Array(c1 - c0);
    const hi = new Int32Array(c1 - c0);
    // Marked columns of the strip so far: its runs lie between them.
    let first = c1;
    let last = c0;
    /** Grows the strip upwards by row r: each column's marked rows. */
    const addRow = (r: number) => {
      for (const c of rowMarks[r]) {
        if (c < c0 || c >= c1) continue;
        if (hi[c - c0] < 0) hi[c - c0] = r + 1;
        lo[c - c0] = r;
        if (c < first) first = c;
        if (c >= last) last = c + 1;
      }
    };
    const reset = () => {
      lo.fill(-1);
      hi.fill(-1);
      first = c1;
      last = c0;
    };
    const best = new Float64Array(marks.rows + 1).fill(Infinity);
    const choice = new Int32Array(marks.rows + 1);
    best[0] = 0;
    for (let end = 1; end <= marks.rows; end++) {
      reset();
      const tallest = Math.min(maxStrip, end);
      for (let k = 1; k <= tallest; k++) {
        addRow(end - k);
        const own = first < last ? strip(first, last, lo, hi, c0) : 0;
        // A strip costs more as it grows taller, and what lies above it no less than best[end − tallest]:
        // once the two exceed the best found, no taller strip beats it.
        if (best[end - tallest] + own >= best[end]) break;
        const v = best[end - k] + own;
        if (v < best[end]) {
          best[end] = v;
          choice[end] = k;
        }
      }
    }
    total += best[marks.rows];
    for (let end = marks.rows; end > 0; end -= choice[end]) {
      reset();
      for (let r = end - 1; r >= end - choice[end]; r--) addRow(r);
      if (first < last) strip(first, last, lo, hi, c0, cores);
    }
  }
  return { cores, cost: total };
}

/**
 * Tiles whose cores cover every cell the corridor meets, in the order the road reaches them (so
 * neighbouring tiles share decoded blocks while they are cached). Each tile is its core grown by
 * half the overlap on every side (pulled back inside the image at its edges, as planTiles does),
 * so a vehicle centred in a core is whole in its tile; cores never overlap, so the merge keeps
 * each vehicle once. Of the two orientations (strips across or down the image), the cheaper.
 */
export function planCorridorTiles(o: CorridorPlanOptions): Tile[] {
  const { cell } = o;
  const cols = Math.ceil(o.width / cell.src);
  const rows = Math.ceil(o.height / cell.src);
  if (o.along.length !== cols * rows) throw new RangeError(`planCorridorTiles: ${o.along.length} cells given, ${cols}×${rows} expected`);
  const margin = Math.ceil(o.overlap / 2 / cell.model);
  const maxCore = Math.max(1, Math.floor(MAX_CORRIDOR_TILE_PX / cell.model) - 2 * margin);
  const marked = Uint8Array.from(o.along, (v) => (v === Infinity ? 0 : 1));
  const transposed = new Uint8Array(marked.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) transposed[c * rows + r] = marked[r * cols + c];
  const across = planCores({ cols, rows, marked }, margin, cell.model, maxCore);
  const down = planCores({ cols: rows, rows: cols, marked: transposed }, margin, cell.model, maxCore);
  const cores = down.cost < across.cost ? down.cores.map((k) => ({ c0: k.r0, c1: k.r1, r0: k.c0, r1: k.c1 })) : across.cores;

  const first = (k: CellRect) => {
    let v = Infinity;
    for (let r = k.r0; r < k.r1; r++) for (let c = k.c0; c < k.c1; c++) v = Math.min(v, o.along[r * cols + c]);
    return v;
  };
  const keyed = cores.map((k) => ({ k, along: first(k) })).sort((a, b) => a.along - b.along || a.k.r0 - b.k.r0 || a.k.c0 - b.k.c0);
  const scale = cell.model / cell.src;
  /** Core and window along one axis, in source pixels. */
  const axis = (a0: number, a1: number, length: number) => {
    const start = a0 * cell.src;
    const end = Math.min(length, a1 * cell.src);
    const size = (a1 - a0 + 2 * margin) * cell.src;
    const from = size <= length ? Math.min(Math.max(start - margin * cell.src, 0), length - size) : 0;
    return { core: [start, end - start], window: [from, size], model: (a1 - a0 + 2 * margin) * cell.model };
  };
  return keyed.map(({ k }, index) => {
    const x = axis(k.c0, k.c1, o.width);
    const y = axis(k.r0, k.r1, o.height);
    const window: PixelWindow = { x: x.window[0], y: y.window[0], width: x.window[1], height: y.window[1] };
    const core: PixelWindow = { x: x.core[0], y: y.core[0], width: x.core[1], height: y.core[1] };
    return { index, col: k.c0, row: k.r0, window, modelWidth: x.model, modelHeight: y.model, scale, core };
  });
}
