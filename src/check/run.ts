import type { Logger } from 'pino';
import { DetectorPool } from '../pipeline/detectors.js';
import { runCount, type RunOptions } from '../pipeline/run.js';
import { compareCase, type CheckRow } from './compare.js';
import type { CheckCase, CheckSpec } from './spec.js';

export interface CheckReport {
  spec: string;
  passed: number;
  failed: number;
  rows: CheckRow[];
}

export interface RunCheckOptions {
  /**
   * The count settings of one case. A case names `count`'s flags; the CLI parses them with its
   * own option definitions, a library caller maps them as it sees fit.
   */
  optionsFor: (c: CheckCase) => Omit<RunOptions, 'detector' | 'logger' | 'signal'>;
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * Library entry point of `satcount check`: counts each case's image and compares the named values
 * with the expected ones. Cases with the same model and overrides share one loaded detector.
 *
 * @example const report = await runCheck(readCheckSpec('check.json'), { optionsFor: (c) => ({ road: … }) });
 */
export async function runCheck(spec: CheckSpec, opts: RunCheckOptions): Promise<CheckReport> {
  // Every case's settings first, so a bad one fails before any counting.
  const settings = spec.cases.map(opts.optionsFor);
  const pool = new DetectorPool();
  const rows: CheckRow[] = [];
  try {
    for (let i = 0; i < spec.cases.length; i++) {
      const c = spec.cases[i];
      const run = await runCount(c.image, { ...settings[i], detector: await pool.get(settings[i]), logger: opts.logger, signal: opts.signal });
      await run.close();
      rows.push(...compareCase(c.name, run.result, c.expect));
    }
  } finally {
    await pool.close();
  }
  const failed = rows.filter((r) => !r.ok).length;
  return { spec: spec.path, passed: rows.length - failed, failed, rows };
}
