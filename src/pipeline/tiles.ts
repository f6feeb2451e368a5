import type { RasterSource } from '../raster/types.js';
import { timedRead, type WindowReads } from '../raster/worker-reads.js';
import type { RgbImage, Tile } from '../types.js';

export interface ReadTile {
  tile: Tile;
  rgb: RgbImage;
  readSeconds: number;
}

/**
 * Yields tiles in order while the next `depth` are already being read. Reads on the main thread
 * only run between inferences (onnxruntime-node runs session.run there); reads from a worker
 * (workerReads) run during them, and two in flight keep the worker busy while one is inferred.
 */
export async function* readAhead(
  source: Pick<RasterSource, 'readRgb'> | WindowReads,
  tiles: Tile[],
  signal?: AbortSignal,
  depth = 1,
): AsyncGenerator<ReadTile> {
  const read = async (tile: Tile): Promise<ReadTile> => {
    const { window: win, modelWidth: w, modelHeight: h } = tile;
    const { rgb, seconds } = 'readTimed' in source ? await source.readTimed(win, w, h) : await timedRead(source, win, w, h);
    return { tile, rgb, readSeconds: seconds };
  };
  const queue: Promise<ReadTile>[] = [];
  let started = 0;
  const fill = () => {
    while (started < tiles.length && queue.length < depth) {
      const p = read(tiles[started++]);
      // A rejected prefetch must not surface as an unhandled rejection while the consumer is busy.
      p.catch(() => undefined);
      queue.push(p);
    }
  };
  fill();
  while (queue.length > 0) {
    signal?.throwIfAborted();
    const current = await queue.shift()!;
    fill();
    yield current;
  }
}

/** True when no pixel of the tile holds data, so inference can be skipped. */
export function allInvalid(rgb: RgbImage): boolean {
  if (!rgb.valid) return false;
  for (let i = 0; i < rgb.valid.length; i++) if (rgb.valid[i]) return false;
  return true;
}
