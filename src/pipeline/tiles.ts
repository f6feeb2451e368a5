import type { RasterSource } from '../raster/types.js';
import type { RgbImage, Tile } from '../types.js';

export interface ReadTile {
  tile: Tile;
  rgb: RgbImage;
  readSeconds: number;
}

/**
 * Yields tiles in order while the next one is already being read, so decoding overlaps with
 * inference of the current tile (onnxruntime runs off the main thread).
 */
export async function* readAhead(source: RasterSource, tiles: Tile[], signal?: AbortSignal): AsyncGenerator<ReadTile> {
  const read = async (tile: Tile): Promise<ReadTile> => {
    const t0 = performance.now();
    const rgb = await source.readRgb(tile.window, tile.modelWidth, tile.modelHeight);
    return { tile, rgb, readSeconds: (performance.now() - t0) / 1000 };
  };
  let next: Promise<ReadTile> | null = tiles.length > 0 ? read(tiles[0]) : null;
  // A rejected prefetch must not surface as an unhandled rejection while the consumer is busy.
  next?.catch(() => undefined);
  for (let i = 0; i < tiles.length && next; i++) {
    signal?.throwIfAborted();
    const current = await next;
    next = i + 1 < tiles.length ? read(tiles[i + 1]) : null;
    next?.catch(() => undefined);
    yield current;
  }
}

/** True when no pixel of the tile holds data, so inference can be skipped. */
export function allInvalid(rgb: RgbImage): boolean {
  if (!rgb.valid) return false;
  for (let i = 0; i < rgb.valid.length; i++) if (rgb.valid[i]) return false;
  return true;
}
