import { parentPort, workerData } from 'node:worker_threads';
import type { FuzzCase } from './cases.js';
import { checkCase, type CheckContext } from './check.js';

/** Runs the cases it is sent, one at a time, in a thread the parent can kill when one hangs. */
const ctx = workerData as CheckContext;
const port = parentPort!;
port.on('message', (c: FuzzCase) => {
  const t0 = performance.now();
  void checkCase(c, ctx).then((outcome) => port.postMessage({ id: c.id, outcome, ms: performance.now() - t0 }));
});
