import { describe, expect, it } from 'vitest';
import { planTiles } from '../src/tiling/plan.js';

const base = { imageGsd: 0.3, modelGsd: 0.3, tileWidth: 512, tileHeight: 512, overlap: 64 };

/** Every pixel of the image must lie in exactly one tile core. */
function coreCoverage(width: number, height: number, tiles: ReturnType<typeof planTiles>): Uint8Array {
  const hits = new Uint8Array(width * height);
  for (const t of tiles) {
    for (let y = t.core.y; y < t.core.y + t.core.height; y++) {
      for (let x = t.core.x; x < t.core.x + t.core.width; x++) hits[y * width + x]++;
    }
  }
  return hits;
}

describe('planTiles', () => {
  it('covers the image with cores that partition it, at the same resolution', () => {
    const tiles = planTiles({ ...base, width: 1300, height: 700 });
    expect(tiles.length).toBe(3 * 2);
    expect(tiles.every((t) => t.scale === 1 && t.window.width === 512)).toBe(true);
    const hits = coreCoverage(1300, 700, tiles);
    expect(hits.every((h) => h === 1)).toBe(true);
    // The last tile ends at the image edge instead of hanging over it.
    const last = tiles[tiles.length - 1];
    expect(last.window.x + last.window.width).toBe(1300);
    expect(last.window.y + last.window.height).toBe(700);
  });

  it('keeps at least the overlap between neighbours, so objects at seams are seen whole', () => {
    const tiles = planTiles({ ...base, width: 5000, height: 600 });
    const row = tiles.filter((t) => t.row === 0);
    for (let i = 1; i < row.length; i++) {
      const overlap = row[i - 1].window.x + row[i - 1].window.width - row[i].window.x;
      expect(overlap).toBeGreaterThanOrEqual(64);
    }
  });

  it('reads larger source windows for finer imagery (0.15 m image, 0.3 m model)', () => {
    const tiles = planTiles({ ...base, imageGsd: 0.15, width: 3000, height: 1024 });
    expect(tiles[0].window.width).toBe(1024);
    expect(tiles[0].scale).toBeCloseTo(0.5);
    expect(coreCoverage(3000, 1024, tiles).every((h) => h === 1)).toBe(true);
  });

  it('upsamples coarser imagery (0.5 m image to a 0.3 m model)', () => {
    const tiles = planTiles({ ...base, imageGsd: 0.5, width: 900, height: 900 });
    expect(tiles[0].window.width).toBe(307);
    expect(tiles[0].scale).toBeCloseTo(512 / 307);
    expect(coreCoverage(900, 900, tiles).every((h) => h === 1)).toBe(true);
  });

  it('gives an image smaller than one tile a single padded tile', () => {
    const tiles = planTiles({ ...base, width: 200, height: 100 });
    expect(tiles).toHaveLength(1);
    expect(tiles[0].window).toEqual({ x: 0, y: 0, width: 512, height: 512 });
    expect(tiles[0].core).toEqual({ x: 0, y: 0, width: 200, height: 100 });
  });

  it('shrinks the last tile of each row and column to what is left, for models that take any size', () => {
    const o = { ...base, tileWidth: 1024, tileHeight: 1024, sizeMultiple: 32, width: 10_000, height: 3000 };
    const tiles = planTiles(o);
    expect(coreCoverage(10_000, 3000, tiles).every((h) => h === 1)).toBe(true);
    const row = tiles.filter((t) => t.row === 0);
    // 10 tiles of 1024 stepping 960 reach 9664; the 11th needs 400 px more, not a whole 1024.
    expect(row).toHaveLength(11);
    expect(row.slice(0, -1).every((t) => t.modelWidth === 1024 && t.window.width === 1024)).toBe(true);
    const last = row[row.length - 1];
    expect(last.modelWidth).toBe(416);
    expect(last.window).toMatchObject({ x: 10_000 - 416, width: 416 });
    for (let i = 1; i < row.length; i++) expect(row[i - 1].window.x + row[i - 1].window.width - row[i].window.x).toBeGreaterThanOrEqual(64);
    // Pixels inferred against the image's: 10,656 per row of 10,000, where full tiles need 11,264.
    expect(row.reduce((n, t) => n + t.modelWidth, 0)).toBe(10_656);
    expect(tiles.every((t) => t.modelWidth % 32 === 0 && t.modelHeight % 32 === 0)).toBe(true);
  });

  it('shrinks an edge tile only where its window keeps the axis scale exactly', () => {
    // 0.15 m imagery on a 0.3 m model: 2 source pixels per model pixel, any multiple of 32 fits.
    const fine = planTiles({ ...base, imageGsd: 0.15, sizeMultiple: 32, width: 3000, height: 1024 });
    expect(fine.every((t) => t.window.width * t.scale === t.modelWidth && t.window.height * t.scale === t.modelHeight)).toBe(true);
    expect(fine.some((t) => t.modelWidth < 512)).toBe(true);
    expect(coreCoverage(3000, 1024, fine).every((h) => h === 1)).toBe(true);
    // 0.5 m on 0.3 m: 512 model px are 307 source px, and no shorter multiple of 32 is a whole window.
    const coarse = planTiles({ ...base, imageGsd: 0.5, sizeMultiple: 32, width: 900, height: 900 });
    expect(coarse.every((t) => t.modelWidth === 512 && t.window.width === 307)).toBe(true);
  });

  it('gives an image smaller than one tile a single tile just large enough, for models that take any size', () => {
    const tiles = planTiles({ ...base, tileWidth: 1024, tileHeight: 1024, sizeMultiple: 32, width: 200, height: 100 });
    expect(tiles).toHaveLength(1);
    expect(tiles[0]).toMatchObject({ modelWidth: 224, modelHeight: 128, window: { x: 0, y: 0, width: 224, height: 128 } });
    expect(tiles[0].core).toEqual({ x: 0, y: 0, width: 200, height: 100 });
  });

  it('rejects an overlap that leaves no core', () => {
    expect(() => planTiles({ ...base, overlap: 256, width: 1000, height: 1000 })).toThrow(/overlap/);
  });
});
