import { describe, expect, test } from 'vitest';
import { iou, mergeTiles, nms, tileToPixel } from '../src/merge/index.js';
import type { PixelBox, PixelDetection, Tile } from '../src/types.js';

/**
 * A grid of square tiles `win` px wide every `step` px over a width × height image, at scale 1,
 * with cores meeting in the middle of each overlap (how the tiling stage cuts images).
 */
function grid(width: number, height: number, win: number, step: number): Tile[] {
  const axis = (len: number) => {
    const starts = [0];
    while (starts[starts.length - 1] + win < len) starts.push(Math.min(starts[starts.length - 1] + step, len - win));
    const coreStart = starts.map((s, i) => (i === 0 ? 0 : Math.round((starts[i - 1] + win + s) / 2)));
    const coreEnd = starts.map((_, i) => (i === starts.length - 1 ? len : coreStart[i + 1]));
    return starts.map((s, i) => ({ start: s, core: coreStart[i], coreLen: coreEnd[i] - coreStart[i] }));
  };
  const tiles: Tile[] = [];
  for (const [row, y] of axis(height).entries()) {
    for (const [col, x] of axis(width).entries()) {
      tiles.push({
        index: tiles.length,
        col,
        row,
        window: { x: x.start, y: y.start, width: win, height: win },
        modelWidth: win,
        modelHeight: win,
        scale: 1,
        core: { x: x.core, y: y.core, width: x.coreLen, height: y.coreLen },
      });
    }
  }
  return tiles;
}

function det(box: PixelBox, tile: number, score = 0.9, classIndex = 0): PixelDetection {
  return { box, score, classIndex, tile };
}

/** 2×2 tiles of 120 px every 80 px over 200×200: the seams (core borders) are at x = 100 and y = 100. */
const quad = grid(200, 200, 120, 80);

describe('iou and nms', () => {
  test('iou of identical, disjoint, touching and half-overlapping boxes', () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [20, 20, 30, 30])).toBe(0);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3);
  });

  test('nms keeps the best of overlapping boxes and every separate one, best first', () => {
    const items = [
      { box: [1, 0, 11, 10] as const, score: 0.8 },
      { box: [0, 0, 10, 10] as const, score: 0.9 },
      { box: [50, 50, 60, 60] as const, score: 0.5 },
      { box: [5, 0, 15, 10] as const, score: 0.7 }, // IoU 1/3 with the best: kept at 0.45
    ];
    expect(nms(items, 0.45).map((i) => i.score)).toEqual([0.9, 0.7, 0.5]);
    expect(nms(items, 0.3).map((i) => i.score)).toEqual([0.9, 0.5]);
  });

  test('nms drops a car-sized box on a truck it also found whole, either way round', () => {
    const truck = { box: [0, 0, 50, 12] as const, score: 0.6 };
    const cab = { box: [36, 1, 50, 11] as const, score: 0.7 }; // IoU 0.23 with the truck
    expect(nms([truck, cab], 0.5)).toEqual([cab]);
    expect(nms([{ ...truck, score: 0.8 }, cab], 0.5).map((i) => i.score)).toEqual([0.8]);
  });

  test('nms keeps cars parked diagonally side by side', () => {
    // 45° cars 4.5 m × 1.8 m at 0.3 m/px, 2.5 m apart across their heading: boxes 21.2 px square.
    const side = (4.5 + 1.8) / Math.SQRT2 / 0.3;
    const step = 2.5 / Math.SQRT2 / 0.3;
    const cars = Array.from({ length: 5 }, (_, k) => ({ box: [k * step, k * step, k * step + side, k * step + side] as const, score: 0.9 - k * 0.01 }));
    expect(nms(cars, 0.5)).toHaveLength(5);
  });

  test('nms gives the same answer whatever the input order', () => {
    const items = Array.from({ length: 200 }, (_, i) => ({ box: [(i * 7) % 90, (i * 13) % 90, ((i * 7) % 90) + 12, ((i * 13) % 90) + 12] as const, score: (i % 5) / 5 }));
    const a = nms(items, 0.4);
    const b = nms([...items].reverse(), 0.4);
    expect(b).toEqual(a);
  });
});

describe('tileToPixel', () => {
  test('maps model pixels to image pixels through the window origin and scale', () => {
    const tile: Tile = { ...quad[3], window: { x: 80, y: 80, width: 240, height: 240 }, scale: 0.5 };
    const [d] = tileToPixel([{ box: [10, 20, 30, 40], score: 0.7, classIndex: 1 }], tile);
    expect(d).toEqual({ box: [100, 120, 140, 160], score: 0.7, classIndex: 1, tile: 3 });
  });
});

describe('mergeTiles', () => {
  test('a vehicle on a seam seen by two tiles is counted once', () => {
    const merged = mergeTiles([det([94, 40, 106, 48], 0, 0.9), det([95, 40, 107, 48], 1, 0.8)], quad, 0.45);
    expect(merged).toHaveLength(1);
  });

  test('a vehicle on the corner of four tiles is counted once', () => {
    const views = [det([93, 94, 105, 106], 0), det([95, 95, 107, 107], 1), det([94, 93, 106, 105], 2), det([96, 96, 108, 108], 3)];
    expect(mergeTiles(views, quad, 0.45)).toHaveLength(1);
  });

  test('two distinct vehicles touching at a seam are both kept', () => {
    const left: PixelBox = [86, 40, 100, 48];
    const right: PixelBox = [100, 40, 114, 48];
    const merged = mergeTiles([det(left, 0), det(right, 0), det(left, 1), det(right, 1)], quad, 0.45);
    expect(merged.map((d) => d.box).sort((a, b) => a[0] - b[0])).toEqual([left, right]);
  });

  test('none is lost when each tile places the vehicle on the other side of the seam', () => {
    // Tile 0 puts the centre at x = 101 (tile 1's core), tile 1 puts it at x = 99 (tile 0's core).
    const merged = mergeTiles([det([95, 40, 107, 48], 0), det([93, 40, 105, 48], 1)], quad, 0.45);
    expect(merged).toHaveLength(1);
  });

  test("a box truncated at one tile's edge does not add a second vehicle", () => {
    // The vehicle spans x 112–126; tile 0's window ends at 120, so it sees only its left part.
    const merged = mergeTiles([det([112, 40, 120, 48], 0, 0.6), det([112, 40, 126, 48], 1, 0.9)], quad, 0.45);
    expect(merged.map((d) => d.box)).toEqual([[112, 40, 126, 48]]);
  });

  test("a vehicle the owning tile missed is kept from its neighbour", () => {
    expect(mergeTiles([det([102, 40, 114, 48], 0)], quad, 0.45)).toHaveLength(1);
  });

  test('detections centred outside the image are dropped', () => {
    expect(mergeTiles([det([-10, 40, -2, 48], 0), det([195, 40, 210, 48], 1)], quad, 0.45)).toHaveLength(0);
  });

  test('output is ordered by score, then position, whatever order the tiles came in', () => {
    const dets = [det([10, 10, 20, 20], 0, 0.5), det([150, 150, 160, 160], 3, 0.9), det([150, 10, 160, 20], 1, 0.5)];
    const a = mergeTiles(dets, quad, 0.45);
    expect(a.map((d) => d.box[0])).toEqual([150, 10, 150]);
    expect(mergeTiles([...dets].reverse(), quad, 0.45)).toEqual(a);
  });

  test.each([12345, 777, 2024])('a scene of ~1500 vehicles over 25 tiles (seed %i): every vehicle counted exactly once', (start) => {
    let seed = start;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const tiles = grid(1000, 1000, 256, 224); // 32 px overlap, vehicles up to 20 px
    // Vehicles of 8–20 px, each inside its own 24 px cell of a lattice, so no two overlap.
    const truth: PixelBox[] = [];
    for (let cy = 0; cy + 24 <= 1000; cy += 24) {
      for (let cx = 0; cx + 24 <= 1000; cx += 24) {
        if (rand() < 0.1) continue;
        const w = 8 + Math.floor(rand() * 13);
        const h = 8 + Math.floor(rand() * 13);
        const x = cx + rand() * (24 - w);
        const y = cy + rand() * (24 - h);
        truth.push([x, y, x + w, y + h]);
      }
    }
    // Each tile reports what it sees of a vehicle, jittered by up to 1 px, clipped to its window, and misses
    // vehicles of which less than a third is inside.
    const seen: PixelDetection[] = [];
    for (const t of tiles) {
      const { x: wx, y: wy, width, height } = t.window;
      for (const [x1, y1, x2, y2] of truth) {
        const j = () => (rand() - 0.5) * 2;
        const cx1 = Math.max(wx, x1 + j());
        const cy1 = Math.max(wy, y1 + j());
        const cx2 = Math.min(wx + width, x2 + j());
        const cy2 = Math.min(wy + height, y2 + j());
        if (cx2 <= cx1 || cy2 <= cy1) continue;
        if ((cx2 - cx1) * (cy2 - cy1) < ((x2 - x1) * (y2 - y1)) / 3) continue;
        seen.push(det([cx1, cy1, cx2, cy2], t.index, 0.5 + rand() / 2));
      }
    }
    const merged = mergeTiles(seen, tiles, 0.45);
    expect(merged).toHaveLength(truth.length);
    const unmatched = truth.filter((g) => !merged.some((d) => iou(d.box, g) > 0.5));
    expect(unmatched).toEqual([]);
  });
});
