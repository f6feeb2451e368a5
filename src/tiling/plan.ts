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
  /**
   * For a model that takes any tile whose sides are multiples of this (a dynamic input): the last
   * tile of a row or column shrinks to what is left of the image, rounded up to a multiple, rather
   * than reaching back over its neighbour. Null or absent: every tile has the model's input size.
   */
  sizeMultiple?: number | null;
}

interface Axis {
  starts: number[];
  /** Window length in source pixels and in model pixels, per tile. */
  sizes: number[];
  modelSizes: number[];
  coreStart: number[];
  coreEnd: number[];
}

/**
 * Smallest model length of a shrunk edge tile: the model needs context around a vehicle, and
 * tiles this small cost more per pixel in fixed overhead than they save.
 */
const MIN_EDGE_MODEL_PX = 128;

/**
 * Model length (a multiple of `multiple`, under `model`) of a last tile covering at least `rest`
 * source pixels, whose window is a whole number of source pixels at exactly the axis' scale
 * (model / window): null when no shorter tile fits, so the edge tile keeps the full size.
 */
function edgeModelSize(rest: number, model: number, window: number, multiple: number): number | null {
  const start = Math.max(MIN_EDGE_MODEL_PX, Math.ceil((rest * model) / window / multiple) * multiple);
  for (let m = Math.ceil(start / multiple) * multiple; m < model; m += multiple) {
    const w = (m * window) / model;
    if (Number.isInteger(w) && w >= rest) return m;
  }
  return null;
}

/**
 * Tile starts along one axis. The last tile ends at the image edge: pulled back to a full window
 * (or, for models that take any size, shrunk to what is left), so every tile holds real pixels
 * when the image is at least one window long; cores meet at the middle of each overlap, so every
 * pixel belongs to exactly one core.
 */
function planAxis(length: number, window: number, step: number, model: number, multiple: number | null): Axis {
  const first = length < window && multiple ? edgeModelSize(length, model, window, multiple) : null;
  const starts: number[] = [0];
  const sizes: number[] = [first === null ? window : (first * window) / model];
  const modelSizes: number[] = [first ?? model];
  if (length > window) {
    const n = Math.ceil((length - window) / step);
    for (let i = 1; i <= n; i++) {
      const rest = length - i * step;
      const m = i === n && multiple ? edgeModelSize(rest, model, window, multiple) : null;
      const size = m === null ? window : (m * window) / model;
      starts.push(Math.min(i * step, length - size));
      sizes.push(size);
      modelSizes.push(m ?? model);
    }
  }
  const coreStart = starts.map((s, i) => (i === 0 ? 0 : Math.round((s + starts[i - 1] + sizes[i - 1]) / 2)));
  const coreEnd = starts.map((_, i) => (i === starts.length - 1 ? length : coreStart[i + 1]));
  return { starts, sizes, modelSizes, coreStart, coreEnd };
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
  const xs = planAxis(o.width, winW, stepW, o.tileWidth, o.sizeMultiple ?? null);
  const ys = planAxis(o.height, winH, stepH, o.tileHeight, o.sizeMultiple ?? null);

  const tiles: Tile[] = [];
  for (let row = 0; row < ys.starts.length; row++) {
    for (let col = 0; col < xs.starts.length; col++) {
      const window: PixelWindow = { x: xs.starts[col], y: ys.starts[row], width: xs.sizes[col], height: ys.sizes[row] };
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
        modelWidth: xs.modelSizes[col],
        modelHeight: ys.modelSizes[row],
        // The same along each axis for every tile: shrunk edge tiles keep their axis' scale exactly.
        scale: o.tileWidth / winW,
        core,
      });
    }
  }
  return tiles;
}
