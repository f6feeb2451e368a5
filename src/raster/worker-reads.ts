import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PixelWindow, RgbImage } from '../types.js';
import { isUrl } from './sources/url.js';
import { readOptions } from './common.js';
import type { RasterSource, ReadOptions } from './types.js';

export interface ReadRequest {
  id: number;
  win: PixelWindow;
  outW: number;
  outH: number;
}

/** `seconds`: the worker's own time on the read, so a tile's read time leaves out its wait in the queue. */
export type ReadReply = { id: number; rgb: RgbImage; seconds: number; error?: undefined } | { id: number; error: string };

/** Reads windows of a source, off the main thread where it can. */
export interface WindowReads {
  readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage>;
  /** readRgb with the seconds spent reading (decoding), not waiting behind other reads. */
  readTimed(win: PixelWindow, outW: number, outH: number): Promise<{ rgb: RgbImage; seconds: number }>;
  /** Stops the worker; later reads go to the source. */
  close(): Promise<void>;
}

const WORKER = new URL('./read-worker.js', import.meta.url);

/** A read of `source` on this thread, with the seconds it took. */
export async function timedRead(source: Pick<RasterSource, 'readRgb'>, win: PixelWindow, outW: number, outH: number): Promise<{ rgb: RgbImage; seconds: number }> {
  const t0 = performance.now();
  const rgb = await source.readRgb(win, outW, outH);
  return { rgb, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Window reads in a worker thread. onnxruntime-node runs each inference on the main thread, so
 * reads there wait for it and it waits for them; in a worker, decoding the next tiles runs while
 * the current one is inferred. The worker opens the same images itself. Any read it fails is done
 * again by `source`, which then fails with its own error (one line, exit code) or succeeds.
 * Null where no worker applies: remote images, or no built worker script (tests run the sources).
 */
export function workerReads(inputs: readonly string[], opts: ReadOptions, source: RasterSource): WindowReads | null {
  if (inputs.some(isUrl) || !existsSync(fileURLToPath(WORKER))) return null;
  const worker = new Worker(WORKER, { workerData: { inputs: [...inputs], opts: readOptions(opts) } });
  // Reads still wanted keep the process alive; an idle worker does not.
  worker.unref();
  const pending = new Map<number, (reply: ReadReply) => void>();
  let broken = false;
  const failAll = () => {
    broken = true;
    for (const [id, answer] of pending) answer({ id, error: 'read worker stopped' });
    pending.clear();
  };
  worker.on('message', (reply: ReadReply) => {
    const answer = pending.get(reply.id);
    pending.delete(reply.id);
    answer?.(reply);
  });
  worker.on('error', failAll);
  worker.on('exit', failAll);
  let next = 0;
  const readTimed = async (win: PixelWindow, outW: number, outH: number) => {
    if (broken) return timedRead(source, win, outW, outH);
    const id = next++;
    worker.ref();
    const reply = await new Promise<ReadReply>((resolve) => {
      pending.set(id, resolve);
      worker.postMessage({ id, win, outW, outH } satisfies ReadRequest);
    });
    if (pending.size === 0) worker.unref();
    return reply.error === undefined ? { rgb: reply.rgb, seconds: reply.seconds } : timedRead(source, win, outW, outH);
  };
  return {
    readTimed,
    readRgb: async (win, outW, outH) => (await readTimed(win, outW, outH)).rgb,
    async close() {
      if (broken) return;
      worker.off('exit', failAll);
      // Reads still waiting for the worker go to the source instead of never settling.
      failAll();
      // Not awaited: terminate() of a worker still starting up can stay unsettled while the loop
      // empties (the process then ended with exit 13, a top-level await never settled). The
      // worker's results are no longer wanted; terminating it is enough.
      worker.unref();
      worker.terminate().catch(() => undefined);
    },
  };
}
