import type { PixelBox, PixelDetection, PixelPoint, PixelWindow, Tile, TileDetection } from '../types.js';
import { BoxGrid, byScoreThenPosition, nms, overlapOfSmaller } from '../geom/boxes.js';

/**
 * Moves one tile's detections from model pixels to full-resolution image pixels
 * (px = window origin + model px / scale).
 */
export function tileToPixel(dets: readonly TileDetection[], tile: Tile): PixelDetection[] {
  const { x, y } = tile.window;
  const s = tile.scale;
  return dets.map((d) => ({
    box: [x + d.box[0] / s, y + d.box[1] / s, x + d.box[2] / s, y + d.box[3] / s],
    score: d.score,
    classIndex: d.classIndex,
    tile: tile.index,
  }));
}

function centre(d: PixelDetection): PixelPoint {
  return [(d.box[0] + d.box[2]) / 2, (d.box[1] + d.box[3]) / 2];
}

function windowHolds(w: PixelWindow, [px, py]: PixelPoint): boolean {
  return px >= w.x && px < w.x + w.width && py >= w.y && py < w.y + w.height;
}

/**
 * Finds the tile whose core holds a point. Cores form a grid (one column of x ranges, one row of
 * y ranges), so two binary searches do; any other arrangement falls back to a scan.
 */
function coreLocator(tiles: readonly Tile[]): (p: PixelPoint) => number | null {
  const xs = [...new Set(tiles.map((t) => t.core.x))].sort((a, b) => a - b);
  const ys = [...new Set(tiles.map((t) => t.core.y))].sort((a, b) => a - b);
  const byCorner = new Map<string, Tile>(tiles.map((t) => [`${t.core.x},${t.core.y}`, t]));
  const lastAtOrBelow = (sorted: number[], v: number): number => {
    let lo = 0;
    let hi = sorted.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] <= v) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  return (p) => {
    const ix = lastAtOrBelow(xs, p[0]);
    const iy = lastAtOrBelow(ys, p[1]);
    const t = ix >= 0 && iy >= 0 ? byCorner.get(`${xs[ix]},${ys[iy]}`) : undefined;
    if (t && windowHolds(t.core, p)) return t.index;
    return tiles.find((c) => windowHolds(c.core, p))?.index ?? null;
  };
}

/** Above this share of the smaller box, two boxes from neighbouring tiles are taken as one vehicle. */
const SAME_VEHICLE_OVERLAP = 0.5;

/** A box closer than this to its tile's edge may be cut short by it. */
const CUT_EDGE_PX = 1;

function boxHolds(b: PixelBox, [x, y]: PixelPoint): boolean {
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

/**
 * Whether two tiles' boxes show the same vehicle: one holds the other's centre, or they mostly
 * overlap. Both tests survive a tile edge cutting one box short, where IoU drops; distinct
 * vehicles side by side pass neither.
 */
function sameVehicle(a: PixelDetection, b: PixelDetection): boolean {
  return boxHolds(a.box, centre(b)) || boxHolds(b.box, centre(a)) || overlapOfSmaller(a.box, b.box) > SAME_VEHICLE_OVERLAP;
}

/**
 * Merges the detections of all tiles so that each vehicle is counted once.
 *
 * A detection is kept by the tile whose core holds its centre: cores partition the image, and a
 * core lies away from its tile's edges, where vehicles are whole. A detection whose centre falls
 * in another tile's core is still kept, so that no vehicle is lost, when no kept detection shows
 * the same vehicle (its owner missed it, was skipped, or each tile put the centre on the other
 * side of the seam); of several such, the one lying deepest inside its own tile, since a box at
 * a tile's edge may be cut short. Class-agnostic NMS at `nmsIou` then removes duplicates left
 * along seams. Detections centred outside every core (outside the image) are dropped. Output is
 * best score first, then by position.
 */
export function mergeTiles(dets: readonly PixelDetection[], tiles: readonly Tile[], nmsIou: number): PixelDetection[] {
  const locate = coreLocator(tiles);
  const kept: PixelDetection[] = [];
  const strays: PixelDetection[] = [];
  for (const d of dets) {
    const owner = locate(centre(d));
    if (owner === d.tile) kept.push(d);
    else if (owner !== null) strays.push(d);
  }
  const grid = new BoxGrid<PixelDetection>(BoxGrid.spacingFor(dets));
  for (const k of kept) grid.add(k);
  const window = new Map(tiles.map((t) => [t.index, t.window]));
  const depth = (d: PixelDetection) => {
    const w = window.get(d.tile);
    return w ? Math.min(d.box[0] - w.x, d.box[1] - w.y, w.x + w.width - d.box[2], w.y + w.height - d.box[3]) : 0;
  };
  strays.sort((a, b) => depth(b) - depth(a) || byScoreThenPosition(a, b));
  for (const s of strays) {
    // A box cut short by its tile's edge is a vehicle that lies whole in a neighbouring tile
    // (overlap exceeds vehicle size), so any overlap with a kept box means it is that one.
    const cut = depth(s) < CUT_EDGE_PX;
    if (grid.some(s.box, (k) => (cut ? overlapOfSmaller(k.box, s.box) > 0 : sameVehicle(k, s)))) continue;
    kept.push(s);
    grid.add(s);
  }
  return nms(kept, nmsIou);
}
