import type { HiddenReason } from '../road/types.js';
import type { PixelPoint, PixelWindow, RgbImage, Tile } from '../types.js';

/** Darkest channel a cloud keeps: clouds are bright in every band, unlike most bright paint. */
const CLOUD_MIN_CHANNEL = 170;
/** A cloud fills a square this wide on the ground; a white truck or roof does not. */
const CLOUD_SIDE_M = 10;
const CLOUD_SHARE = 0.9;
/**
 * A cell is leaves when green leads red and blue by this share of green and by this many levels
 * (0–255): asphalt with a green cast leads by under 0.1, real crowns by ~0.2 (README, "Road the
 * image cannot show", has the measurements); the levels keep dark, noisy pixels out.
 */
const CANOPY_MIN_GREEN_SHARE = 0.15;
const CANOPY_MIN_GREEN_LEVELS = 8;
/** Closed canopy fills a square this wide on the ground: wider than a carriageway, so a crown overhanging the edge is not it. */
const CANOPY_SIDE_M = 10;

/**
 * A coarse record of which image pixels were seen with valid data, filled from the tiles the
 * pipeline read. The road stage asks it where the road cannot be seen (nodata and masks, cloud,
 * tiles never read), to bridge and fill hidden stretches of a queue.
 */
export class VisibilityGrid {
  /** 0 never seen or nodata; otherwise 1 + the cell's mean darkest-channel value (1..256 → stored 1..255). */
  private readonly cells: Uint8Array;
  /** Whether the cell's mean colour is leaves' (CANOPY_MIN_GREEN_*): 1 yes, 0 no or unseen. */
  private readonly leaves: Uint8Array;
  private cloud: Uint8Array | null = null;
  private canopy: Uint8Array | null = null;
  readonly cols: number;
  readonly rows: number;

  constructor(
    readonly width: number,
    readonly height: number,
    /** Full-resolution pixels per cell side. */
    readonly cell: number,
    /** Ground metres per cell side. */
    readonly cellMetres: number,
  ) {
    this.cols = Math.ceil(width / cell);
    this.rows = Math.ceil(height / cell);
    this.cells = new Uint8Array(this.cols * this.rows);
    this.leaves = new Uint8Array(this.cols * this.rows);
  }

  /** A grid whose cells are about `cellMetres` on the ground, capped at `maxCells` cells. */
  static forImage(width: number, height: number, gsd: number, cellMetres = 2, maxCells = 16e6): VisibilityGrid {
    let cell = Math.max(1, Math.round(cellMetres / gsd));
    while (Math.ceil(width / cell) * Math.ceil(height / cell) > maxCells) cell *= 2;
    return new VisibilityGrid(width, height, cell, cell * gsd);
  }

  /** Records the cells of a tile's core: seen where the tile holds data, with their brightness. */
  markTile(tile: Tile, rgb: RgbImage): void {
    const core: PixelWindow = tile.core;
    const c0 = Math.floor(core.x / this.cell);
    const r0 = Math.floor(core.y / this.cell);
    const c1 = Math.min(this.cols, Math.ceil((core.x + core.width) / this.cell));
    const r1 = Math.min(this.rows, Math.ceil((core.y + core.height) / this.cell));
    const span = Math.max(1, Math.round(this.cell * tile.scale));
    const step = Math.max(1, Math.floor(span / 3));
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const mx0 = Math.floor((c * this.cell - tile.window.x) * tile.scale);
        const my0 = Math.floor((r * this.cell - tile.window.y) * tile.scale);
        let sum = 0;
        let sr = 0;
        let sg = 0;
        let sb = 0;
        let n = 0;
        for (let my = Math.max(0, my0); my < Math.min(rgb.height, my0 + span); my += step) {
          for (let mx = Math.max(0, mx0); mx < Math.min(rgb.width, mx0 + span); mx += step) {
            const i = my * rgb.width + mx;
            if (rgb.valid && !rgb.valid[i]) continue;
            const red = rgb.data[i * 3];
            const green = rgb.data[i * 3 + 1];
            const blue = rgb.data[i * 3 + 2];
            sum += Math.min(red, green, blue);
            sr += red;
            sg += green;
            sb += blue;
            n++;
          }
        }
        if (n > 0) {
          this.cells[r * this.cols + c] = Math.min(255, 1 + Math.round(sum / n));
          const lead = (sg - Math.max(sr, sb)) / n;
          this.leaves[r * this.cols + c] = lead >= CANOPY_MIN_GREEN_LEVELS && lead >= (CANOPY_MIN_GREEN_SHARE * sg) / n ? 1 : 0;
        }
      }
    }
    this.cloud = null;
    this.canopy = null;
  }

  /**
   * Cells inside a patch at least `sideMetres` wide where `share` of the cells are flagged (1): a
   * summed-area table counts flagged cells in the square around each flagged cell.
   */
  private patchMask(flags: Uint8Array, sideMetres: number, share: number): Uint8Array {
    const { cols, rows } = this;
    const w = cols + 1;
    const sat = new Uint32Array(w * (rows + 1));
    for (let r = 0; r < rows; r++) {
      let rowSum = 0;
      for (let c = 0; c < cols; c++) {
        rowSum += flags[r * cols + c];
        sat[(r + 1) * w + c + 1] = sat[r * w + c + 1] + rowSum;
      }
    }
    const half = Math.max(1, Math.round(sideMetres / this.cellMetres / 2));
    const mask = new Uint8Array(cols * rows);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (!flags[r * cols + c]) continue;
        const ra = Math.max(0, r - half);
        const rb = Math.min(rows, r + half + 1);
        const ca = Math.max(0, c - half);
        const cb = Math.min(cols, c + half + 1);
        const passing = sat[rb * w + cb] - sat[ra * w + cb] - sat[rb * w + ca] + sat[ra * w + ca];
        if (passing >= share * (rb - ra) * (cb - ca)) mask[r * cols + c] = 1;
      }
    }
    return mask;
  }

  /** true where the ground was seen; otherwise why not ('nodata' also covers tiles never read). */
  visibility(p: PixelPoint): true | HiddenReason {
    const [x, y] = p;
    if (!(x >= 0 && y >= 0 && x < this.width && y < this.height)) return 'image-edge';
    const i = Math.floor(y / this.cell) * this.cols + Math.floor(x / this.cell);
    if (this.cells[i] === 0) return 'nodata';
    this.cloud ??= this.patchMask(this.cells.map((v) => (v > CLOUD_MIN_CHANNEL ? 1 : 0)), CLOUD_SIDE_M, CLOUD_SHARE);
    if (this.cloud[i]) return 'cloud';
    // Leaves over the whole square: what lies under them (a queue) cannot be seen.
    this.canopy ??= this.patchMask(this.leaves, CANOPY_SIDE_M, CLOUD_SHARE);
    return this.canopy[i] ? 'canopy' : true;
  }
}
