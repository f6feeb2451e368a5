import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { makeCase, pickCliCases, type FuzzCase } from './cases.js';
import { runCliCase } from './cli-case.js';
import { runInProcess } from './in-process.js';
import { buildSeeds } from './seeds.js';
import { addCli, addInProcess, emptyTally, type Tally } from './tally.js';

export interface FuzzOptions {
  /** Project root: fixtures/, tests/models/, bin/ and dist/ are found there. */
  root: string;
  /** Scratch folder (seeds, case files, outputs); the caller removes it. */
  dir: string;
  seed: number;
  /** Number of cases (all run in-process, except hostile-path ones, which only the CLI can run). */
  cases: number;
  /** Every K-th case also runs through the CLI (0: only the first of each kind). */
  cliEvery: number;
  timeoutMs: number;
  /** Run only this case. */
  only?: number;
  onProgress?: (done: number, total: number) => void;
  onCase?: (c: FuzzCase) => Promise<void>;
  trace?: boolean;
}

/** Builds the seeds, runs the cases in-process then the CLI sample, and tallies the outcomes. */
export async function runFuzz(opts: FuzzOptions): Promise<Tally> {
  const seeds = await buildSeeds({ root: opts.root, dir: join(opts.dir, 'seeds') });
  const ids = opts.only !== undefined ? [opts.only] : [...Array(opts.cases).keys()];
  const cases = ids.map((id) => makeCase(seeds, opts.seed, id));
  for (const c of cases) await opts.onCase?.(c);
  const tally = emptyTally();
  tally.cases = cases.length;
  const ctx = { root: opts.root, dir: join(opts.dir, 'cases'), roadImage: seeds.roadImage, model: seeds.model };
  await mkdir(ctx.dir, { recursive: true });
  const inProcess = cases.filter((c) => c.category !== 'path');
  let done = 0;
  await runInProcess(inProcess, ctx, {
    timeoutMs: opts.timeoutMs,
    trace: opts.trace,
    onResult: (c, r) => {
      addInProcess(tally, c, r);
      opts.onProgress?.(++done, inProcess.length);
    },
  });
  const cli = opts.only !== undefined ? cases : pickCliCases(cases, opts.cliEvery);
  for (const c of cli) addCli(tally, c, await runCliCase(c, { ...ctx, timeoutMs: opts.timeoutMs }));
  return tally;
}
