import { Worker } from 'node:worker_threads';
import type { FuzzCase } from './cases.js';
import type { CheckContext, Outcome } from './check.js';

export type Result = Outcome | { kind: 'hang'; message: string };

export interface InProcessOptions {
  /** A case running longer than this is a hang. */
  timeoutMs: number;
  onResult?: (c: FuzzCase, result: Result, ms: number) => void;
  /** Name each case on stderr before it runs (to find one that takes the whole process down). */
  trace?: boolean;
}

/** Compiled worker entry: the runner may itself run from src/ (vitest) or dist/. */
const WORKER = new URL('../../dist/fuzz/worker.js', import.meta.url);

/** Heap limit of the worker: a case that needs more is a crash (out of memory), not a dead machine. */
const WORKER_HEAP_MB = 1536;

/**
 * Runs cases through the library in a worker thread, one at a time. A case that outlives the
 * timeout, or kills the worker (out of memory, an error thrown outside any promise chain), costs
 * that worker; a fresh one takes the next case.
 */
export async function runInProcess(cases: FuzzCase[], ctx: CheckContext, opts: InProcessOptions): Promise<Map<number, Result>> {
  const results = new Map<number, Result>();
  let worker: Worker | null = null;
  try {
    for (const c of cases) {
      worker ??= new Worker(WORKER, { workerData: ctx, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
      const w = worker;
      const t0 = performance.now();
      const result = await new Promise<Result>((resolve) => {
        const done = (r: Result, dead: boolean) => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          if (dead) {
            void w.terminate();
            worker = null;
          }
          resolve(r);
        };
        const onMessage = (m: { id: number; outcome: Outcome }) => {
          if (m.id === c.id) done(m.outcome, false);
        };
        const onError = (e: Error) => done({ kind: 'crash', message: `uncaught in worker: ${e.name}: ${String(e.message).split('\n')[0]}` }, true);
        const onExit = (code: number) => done({ kind: 'crash', message: `worker exited with code ${code}` }, true);
        const timer = setTimeout(() => done({ kind: 'hang', message: `no answer after ${opts.timeoutMs} ms` }, true), opts.timeoutMs);
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        if (opts.trace) process.stderr.write(`fuzz: case #${c.id} ${c.category} ${c.seed} [${c.mutation}]\n`);
        w.postMessage(c);
      });
      results.set(c.id, result);
      opts.onResult?.(c, result, performance.now() - t0);
    }
  } finally {
    await (worker as Worker | null)?.terminate();
  }
  return results;
}
