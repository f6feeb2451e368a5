import { describe, expect, it } from 'vitest';
import { mergeTiles } from '../src/merge/index.js';
import { cellsAlongCorridor, tilesMeetingCorridor } from '../src/road/index.js';
import { corridorCell, planCorridorTiles } from '../src/tiling/corridor.js';
import { planTiles } from '../src/tiling/plan.js';
import type { PixelBox, PixelDetection, PixelPoint, Tile } from '../src/types.js';

const OVERLAP = 64;
const CORRIDOR_PX = 50;

/** A mountain road: along the image, a hairpin up and back, then a diagonal. */
const ROAD: PixelPoint[] = [
  [0, 700],
  [1500, 720],
  [1900, 300],
  [1700, 120],
  [1300, 200],
  [1250, 420],
  [2600, 1050],
  [4000, 1000],
];
const W = 4000;
const H = 1200;

function plan(gsd: number, width = W, height = H, road: PixelPoint[][] = [ROAD]): Tile[] {
  const cell = corridorCell(gsd, 0.3, 32);
  const along = cellsAlongCorridor(road, Math.ceil(width / cell.src), Math.ceil(height / cell.src), cell.src, CORRIDOR_PX);
  return planCorridorTiles({ width, height, cell, overlap: OVERLAP, along });
}

/** Points every 3 px along the road and across the corridor (±CORRIDOR_PX), inside the image. */
function corridorPoints(road: PixelPoint[], width: number, height: number): PixelPoint[] {
  const out: PixelPoint[] = [];
  for (let i = 1; i < road.length; i++) {
    const [ax, ay] = road[i - 1];
    const [bx, by] = road[i];
    const len = Math.hypot(bx - ax, by - ay);
    const [nx, ny] = [-(by - ay) / len, (bx - ax) / len];
    for (let s = 0; s <= len; s += 3) {
      for (let o = -CORRIDOR_PX; o <= CORRIDOR_PX; o += 5) {
        const p: PixelPoint = [ax + ((bx - ax) * s) / len + nx * o, ay + ((by - ay) * s) / len + ny * o];
        if (p[0] >= 0 && p[1] >= 0 && p[0] < width && p[1] < height) out.push(p);
      }
    }
  }
  return out;
}

const inside = (w: Tile['core'], [x, y]: PixelPoint) => x >= w.x && x < w.x + w.width && y >= w.y && y < w.y + w.height;

describe('tiles that follow a road corridor', () => {
  it('puts every corridor point in exactly one core, each core inside its tile with half the overlap around it', () => {
    for (const gsd of [0.3, 0.5, 0.15]) {
      const tiles = plan(gsd);
      const scale = tiles[0].scale;
      expect(scale).toBeCloseTo(gsd / 0.3, 1);
      for (const p of corridorPoints(ROAD, W, H)) expect(tiles.filter((t) => inside(t.core, p)).length).toBe(1);
      for (const t of tiles) {
        expect(t.scale).toBe(scale);
        expect(t.modelWidth % 32).toBe(0);
        expect(t.modelHeight % 32).toBe(0);
        expect(t.modelWidth).toBeLessThanOrEqual(2048);
        expect(t.modelWidth / t.window.width).toBeCloseTo(scale, 10);
        expect(t.modelHeight / t.window.height).toBeCloseTo(scale, 10);
        // Windows lie in the image; a core reaches its window's edge only at the image's edge.
        expect(t.window.x).toBeGreaterThanOrEqual(0);
        expect(t.window.y).toBeGreaterThanOrEqual(0);
        expect(t.window.x + t.window.width).toBeLessThanOrEqual(W);
        expect(t.window.y + t.window.height).toBeLessThanOrEqual(H);
        // Half the overlap around the core, or all the image there is.
        const half = OVERLAP / 2 / scale - 1e-9;
        const [x1, y1] = [t.core.x + t.core.width, t.core.y + t.core.height];
        expect(t.core.x - t.window.x).toBeGreaterThanOrEqual(Math.min(half, t.core.x));
        expect(t.core.y - t.window.y).toBeGreaterThanOrEqual(Math.min(half, t.core.y));
        expect(t.window.x + t.window.width - x1).toBeGreaterThanOrEqual(Math.min(half, W - x1));
        expect(t.window.y + t.window.height - y1).toBeGreaterThanOrEqual(Math.min(half, H - y1));
      }
      // Cores never overlap.
      for (const a of tiles) {
        for (const b of tiles) {
          if (a === b) continue;
          const ox = Math.min(a.core.x + a.core.width, b.core.x + b.core.width) - Math.max(a.core.x, b.core.x);
          const oy = Math.min(a.core.y + a.core.height, b.core.y + b.core.height) - Math.max(a.core.y, b.core.y);
          expect(ox <= 0 || oy <= 0).toBe(true);
        }
      }
    }
  });

  it('infers under half the pixels of the grid tiles that meet the corridor', () => {
    const tiles = plan(0.3);
    const grid = planTiles({ width: W, height: H, imageGsd: 0.3, modelGsd: 0.3, tileWidth: 512, tileHeight: 512, overlap: OVERLAP, sizeMultiple: 32 });
    const road = { parts: [{ pixel: ROAD }] } as unknown as Parameters<typeof tilesMeetingCorridor>[0];
    const meets = tilesMeetingCorridor(road, grid.map((t) => t.core), CORRIDOR_PX);
    const pixels = (ts: Tile[]) => ts.reduce((s, t) => s + t.modelWidth * t.modelHeight, 0);
    expect(pixels(tiles)).toBeLessThan(pixels(grid.filter((_, i) => meets[i])) / 2);
  });

  it('reads tiles in the order the road reaches them', () => {
    const tiles = plan(0.3, 12_000, 600, [[[0, 300], [12_000, 320]]]);
    expect(tiles.length).toBeGreaterThan(4);
    for (let i = 1; i < tiles.length; i++) expect(tiles[i].core.x).toBeGreaterThan(tiles[i - 1].core.x);
    expect(tiles.map((t) => t.index)).toEqual(tiles.map((_, i) => i));
  });

  it('counts every vehicle in the corridor once across its seams, whichever tiles see it whole', () => {
    const tiles = plan(0.3);
    // 14 × 30 px vehicles packed along and across the corridor, none overlapping another, as a
    // queue at a hairpin has them; many straddle a seam.
    const vehicles: PixelBox[] = [];
    for (const [x, y] of corridorPoints(ROAD, W, H)) {
      const b: PixelBox = [x - 7, y - 15, x + 7, y + 15];
      const clear = (v: PixelBox) => v[2] <= b[0] || b[2] <= v[0] || v[3] <= b[1] || b[3] <= v[1];
      if (b[0] >= 0 && b[1] >= 0 && b[2] <= W && b[3] <= H && vehicles.every(clear)) vehicles.push(b);
    }
    expect(vehicles.length).toBeGreaterThan(500);
    const dets: PixelDetection[] = [];
    for (const t of tiles) {
      const w = t.window;
      for (const b of vehicles) {
        // The model finds what it sees whole: a vehicle cut by the tile edge is found by its neighbour.
        if (b[0] >= w.x && b[1] >= w.y && b[2] <= w.x + w.width && b[3] <= w.y + w.height) dets.push({ box: b, score: 0.9, classIndex: 0, tile: t.index });
      }
    }
    const merged = mergeTiles(dets, tiles, 0.99);
    const key = (b: PixelBox) => b.join(',');
    expect(merged.map((d) => key(d.box)).sort()).toEqual(vehicles.map(key).sort());
    // Seen by more than one tile: the seams are really crossed.
    expect(dets.length).toBeGreaterThan(vehicles.length + 50);
  });

  it('picks cells whose model side is a multiple of 32 at the image-to-model scale', () => {
    expect(corridorCell(0.3, 0.3, 32)).toEqual({ src: 32, model: 32 });
    expect(corridorCell(0.15, 0.3, 32)).toEqual({ src: 64, model: 32 });
    expect(corridorCell(0.5, 0.3, 32)).toEqual({ src: 19, model: 32 });
  });
});
