import { fork, type ChildProcess } from 'node:child_process';
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
 * Runs cases through the library in a worker process, one at a time: a process, not a thread,
 * because killing a thread in the middle of an onnxruntime call aborts the whole process. A case
 * that outlives the timeout, or kills the worker (out of memory, an error thrown outside any
 * promise chain), costs that worker; a fresh one takes the next case.
 */
export async function runInProcess(cases: FuzzCase[], ctx: CheckContext, opts: InProcessOptions): Promise<Map<number, Result>> {
  const results = new Map<number, Result>();
  let worker: ChildProcess | null = null;
  let last: FuzzCase | null = null;
  let inFlight = false;
  try {
    for (const c of cases) {
      if (!worker) {
        const w = fork(WORKER, [JSON.stringify(ctx)], { serialization: 'advanced', execArgv: [`--max-old-space-size=${WORKER_HEAP_MB}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
        watchStderr(w);
        // A worker dying between cases (a rejection nobody awaited, surfacing late) is charged to the case before.
        w.once('exit', (code, signal) => {
          if (worker === w) worker = null;
          if (!inFlight && last && !w.killed) {
            const r: Result = { kind: 'crash', message: `worker died after the case (${signal ?? `exit ${code}`})${stderrTail(w)}` };
            results.set(last.id, r);
            opts.onResult?.(last, r, 0);
          }
        });
        worker = w;
      }
      const w = worker;
      last = c;
      inFlight = true;
      const t0 = performance.now();
      const result = await new Promise<Result>((resolve) => {
        const done = (r: Result, dead: boolean) => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
          if (dead) {
            w.kill('SIGKILL');
            worker = null;
          }
          resolve(r);
        };
        const onMessage = (m: { id: number; outcome: Outcome }) => {
          if (m.id === c.id) done(m.outcome, false);
        };
        const onError = (e: Error) => done({ kind: 'crash', message: `worker failed: ${e.message.split('\n')[0]}` }, true);
        const onExit = (code: number | null, signal: string | null) => done({ kind: 'crash', message: `worker died (${signal ?? `exit ${code}`})${stderrTail(w)}` }, true);
        const timer = setTimeout(() => done({ kind: 'hang', message: `no answer after ${opts.timeoutMs} ms` }, true), opts.timeoutMs);
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        if (opts.trace) process.stderr.write(`fuzz: case #${c.id} ${c.category} ${c.seed} [${c.mutation}]\n`);
        w.send(c);
      });
      inFlight = false;
      results.set(c.id, result);
      opts.onResult?.(c, result, performance.now() - t0);
    }
  } finally {
    (worker as ChildProcess | null)?.kill('SIGKILL');
  }
  return results;
}

const stderrs = new WeakMap<ChildProcess, string>();

/** The last words of a worker that died (uncaught exceptions print there). */
function stderrTail(w: ChildProcess): string {
  const text = (stderrs.get(w) ?? '').trim().split('\n').filter((l) => !/^\s+at /.test(l)).slice(-2).join(' / ');
  return text ? `: ${text.slice(0, 300)}` : '';
}

/** Keeps the last few KB a worker wrote to stderr. */
function watchStderr(w: ChildProcess): void {
  w.stderr?.on('data', (d) => stderrs.set(w, ((stderrs.get(w) ?? '') + String(d)).slice(-4000)));
}
