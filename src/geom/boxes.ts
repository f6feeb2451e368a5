/** Any axis-aligned box as [x1, y1, x2, y2]; the functions here work in whatever space both boxes share. */
export type Box = readonly [x1: number, y1: number, x2: number, y2: number];

export interface Scored {
  box: Box;
  score: number;
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

function area(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

/** Intersection over union; 0 when either box is empty. */
export function iou(a: Box, b: Box): number {
  const inter = intersection(a, b);
  if (inter === 0) return 0;
  return inter / (area(a) + area(b) - inter);
}

/**
 * Intersection over the smaller box's area: 1 when one box lies inside the other. Unlike IoU it
 * stays high when a tile edge truncated one of two boxes of the same vehicle.
 */
export function overlapOfSmaller(a: Box, b: Box): number {
  const inter = intersection(a, b);
  if (inter === 0) return 0;
  return inter / Math.min(area(a), area(b));
}

/**
 * Score first, then top-left corner, so that equal scores still give one fixed order
 * whatever order the input came in.
 */
export function byScoreThenPosition(a: Scored, b: Scored): number {
  return b.score - a.score || a.box[1] - b.box[1] || a.box[0] - b.box[0] || a.box[3] - b.box[3] || a.box[2] - b.box[2];
}

/**
 * Boxes bucketed on a uniform grid, so "is any stored box near this one" looks only at nearby
 * boxes. A box is stored in every cell it touches; two intersecting boxes always share a cell.
 */
export class BoxGrid<T extends { box: Box }> {
  private readonly cells = new Map<number, T[]>();

  /** `cell` is the grid spacing; about twice the typical box size keeps both lists and lookups short. */
  constructor(private readonly cell: number) {}

  /** Grid spacing suited to a set of boxes: twice their mean larger side. */
  static spacingFor(items: readonly { box: Box }[]): number {
    let sum = 0;
    for (const it of items) sum += Math.max(it.box[2] - it.box[0], it.box[3] - it.box[1], 0);
    return Math.max(items.length ? sum / items.length : 0, 1e-6) * 2;
  }

  add(item: T): void {
    this.visit(item.box, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(item);
      else this.cells.set(key, [item]);
      return false;
    });
  }

  /** Whether a stored box that intersects or touches `box`'s cells passes `test`. */
  some(box: Box, test: (stored: T) => boolean): boolean {
    return this.visit(box, (key) => this.cells.get(key)?.some(test) ?? false);
  }

  private visit(box: Box, fn: (key: number) => boolean): boolean {
    const x1 = Math.floor(box[0] / this.cell);
    const x2 = Math.floor(box[2] / this.cell);
    const y1 = Math.floor(box[1] / this.cell);
    const y2 = Math.floor(box[3] / this.cell);
    for (let gy = y1; gy <= y2; gy++) {
      // Keys of cells beyond ±32768 may collide; a collision only costs extra comparisons.
      for (let gx = x1; gx <= x2; gx++) if (fn((gx + 32768) * 65536 + (gy + 32768))) return true;
    }
    return false;
  }
}

/**
 * Above this share of the smaller box, a box lying (almost) inside another is the same vehicle:
 * a detector often puts a car-sized peak on the cab or trailer of a truck or bus it also found
 * whole, and IoU between the two stays far below any NMS threshold. Distinct vehicles never nest
 * like this, even parked diagonally side by side (about 0.4 for 45° rows at 2.5 m spacing).
 */
export const NESTED_OVERLAP = 0.8;

/**
 * Greedy class-agnostic non-maximum suppression: walks the boxes by descending score and drops
 * every box whose IoU with an already kept one exceeds `iouThreshold`, or which nests in or
 * around a kept one (overlap of the smaller above {@link NESTED_OVERLAP}). Returns the kept
 * items, best first (ties broken by position, so the result does not depend on input order).
 *
 * @example nms([{ box: [0, 0, 10, 10], score: 0.9 }, { box: [1, 0, 11, 10], score: 0.8 }], 0.5) // keeps the first
 */
export function nms<T extends Scored>(items: readonly T[], iouThreshold: number): T[] {
  const sorted = [...items].sort(byScoreThenPosition);
  const grid = new BoxGrid<T>(BoxGrid.spacingFor(sorted));
  const kept: T[] = [];
  for (const it of sorted) {
    if (grid.some(it.box, (k) => iou(k.box, it.box) > iouThreshold || overlapOfSmaller(k.box, it.box) > NESTED_OVERLAP)) continue;
    kept.push(it);
    grid.add(it);
  }
  return kept;
}
