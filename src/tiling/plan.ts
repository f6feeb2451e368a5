import type { PixelWindow, Tile } from '../types.js';

export interface TilePlanOptions {
  /** Image size in full-resolution pixels. */
  width: number;
  height: number;
  /** Metres per pixel of the image and of the model. */
  imageGsd: number;
  modelGsd: number;
  /** Model input size in model pixels. */
  tileWidth: number;
  tileHeight: number;
  /** Overlap between neighbouring tiles in model pixels; should exceed the largest object. */
  overlap: number;
}

interface Axis {
  starts: number[];
  size: number;
  coreStart: number[];
  coreEnd: number[];
}

/**
 * Tile starts along one axis. The last tile is pulled back to end at the image edge, so every tile
 * holds a full window of real pixels when the image is at least one window wide; cores meet at the
 * middle of each overlap, so every pixel belongs to exactly one core.
 */
function planAxis(length: number, window: number, step: number): Axis {
  const starts: number[] = [0];
  if (length > window) {
    const n = Math.ceil((length - window) / step);
    for (let i = 1; i <= n; i++) starts.push(Math.min(i * step, length - window));
  }
  const coreStart = starts.map((s, i) => (i === 0 ? 0 : Math.round((s + starts[i - 1] + window) / 2)));
  const coreEnd = starts.map((_, i) => (i === starts.length - 1 ? length : coreStart[i + 1]));
  return { starts, size: window, coreStart, coreEnd };
}

/**
 * Cuts an image into tiles of the model's input size at the model's ground sample distance.
 * Source windows are whole pixels, so each tile's exact scale is modelSize / windowSize.
 */
export function planTiles(o: TilePlanOptions): Tile[] {
  if (!(o.imageGsd > 0) || !(o.modelGsd > 0)) throw new RangeError('planTiles: GSDs must be positive');
  if (o.overlap * 2 >= Math.min(o.tileWidth, o.tileHeight)) throw new RangeError('planTiles: overlap too large for the tile size');
  const scale = o.imageGsd / o.modelGsd;
  const winW = Math.max(1, Math.round(o.tileWidth / scale));
  const winH = Math.max(1, Math.round(o.tileHeight / scale));
  const stepW = Math.max(1, Math.round((o.tileWidth - o.overlap) / scale));
  const stepH = Math.max(1, Math.round((o.tileHeight - o.overlap) / scale));
  const xs = planAxis(o.width, winW, stepW);
  const ys = planAxis(o.height, winH, stepH);

  const tiles: Tile[] = [];
  for (let row = 0; row < ys.starts.length; row++) {
    for (let col = 0; col < xs.starts.length; col++) {
      const window: PixelWindow = { x: xs.starts[col], y: ys.starts[row], width: winW, height: winH };
      const core: PixelWindow = {
        x: xs.coreStart[col],
        y: ys.coreStart[row],
        width: xs.coreEnd[col] - xs.coreStart[col],
        height: ys.coreEnd[row] - ys.coreStart[row],
      };
      tiles.push({
        index: tiles.length,
        col,
        row,
        window,
        modelWidth: o.tileWidth,
        modelHeight: o.tileHeight,
        scale: o.tileWidth / winW,
        core,
      });
    }
  }
  return tiles;
}
