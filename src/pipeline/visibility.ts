import type { PixelPoint, PixelWindow, RgbImage, Tile } from '../types.js';

/**
 * A coarse record of which image pixels were seen with valid data, filled from the tiles the
 * pipeline read. The road stage asks it where the road cannot be seen (nodata, cloud masks, image
 * edge, tiles never read), to bridge and fill hidden stretches of a queue.
 */
export class VisibilityGrid {
  private readonly cells: Uint8Array;
  readonly cols: number;
  readonly rows: number;

  constructor(
    readonly width: number,
    readonly height: number,
    /** Full-resolution pixels per cell side. */
    readonly cell: number,
  ) {
    this.cols = Math.ceil(width / cell);
    this.rows = Math.ceil(height / cell);
    this.cells = new Uint8Array(this.cols * this.rows);
  }

  /** A grid whose cells are about `cellMetres` on the ground, capped at `maxCells` cells. */
  static forImage(width: number, height: number, gsd: number, cellMetres = 2, maxCells = 16e6): VisibilityGrid {
    let cell = Math.max(1, Math.round(cellMetres / gsd));
    while (Math.ceil(width / cell) * Math.ceil(height / cell) > maxCells) cell *= 2;
    return new VisibilityGrid(width, height, cell);
  }

  /** Marks the cells of a tile's core as seen where the tile's pixels hold data. */
  markTile(tile: Tile, rgb: RgbImage): void {
    const core: PixelWindow = tile.core;
    const c0 = Math.floor(core.x / this.cell);
    const r0 = Math.floor(core.y / this.cell);
    const c1 = Math.min(this.cols, Math.ceil((core.x + core.width) / this.cell));
    const r1 = Math.min(this.rows, Math.ceil((core.y + core.height) / this.cell));
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const px = Math.min((c + 0.5) * this.cell, this.width - 0.5);
        const py = Math.min((r + 0.5) * this.cell, this.height - 0.5);
        const mx = Math.floor((px - tile.window.x) * tile.scale);
        const my = Math.floor((py - tile.window.y) * tile.scale);
        if (mx < 0 || my < 0 || mx >= rgb.width || my >= rgb.height) continue;
        if (!rgb.valid || rgb.valid[my * rgb.width + mx]) this.cells[r * this.cols + c] = 1;
      }
    }
  }

  isVisible(p: PixelPoint): boolean {
    const [x, y] = p;
    if (!(x >= 0 && y >= 0 && x < this.width && y < this.height)) return false;
    return this.cells[Math.floor(y / this.cell) * this.cols + Math.floor(x / this.cell)] === 1;
  }
}
