/**
 * Worker thread of workerReads (worker-reads.ts): opens the images itself and answers window
 * reads, handing the pixels over without a copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openImages } from './mosaic.js';
import type { ReadOptions } from './types.js';
import type { ReadReply, ReadRequest } from './worker-reads.js';

const { inputs, opts } = workerData as { inputs: string[]; opts: ReadOptions };
const port = parentPort!;
const source = openImages(inputs, opts);
// A failed open is answered on each read (the main thread then reads itself and reports it).
source.catch(() => undefined);

port.on('message', async ({ id, win, outW, outH }: ReadRequest) => {
  try {
    const t0 = performance.now();
    const rgb = await (await source).readRgb(win, outW, outH);
    const seconds = (performance.now() - t0) / 1000;
    // Transferred buffers must be whole and unshared: pooled or sliced ones are copied first.
    const own = (a: Uint8Array) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : a.slice());
    const data = own(rgb.data);
    const valid = rgb.valid ? own(rgb.valid) : null;
    const reply: ReadReply = { id, rgb: { width: rgb.width, height: rgb.height, data, valid }, seconds };
    port.postMessage(reply, [data.buffer as ArrayBuffer, ...(valid ? [valid.buffer as ArrayBuffer] : [])]);
  } catch (err) {
    const reply: ReadReply = { id, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  }
});
