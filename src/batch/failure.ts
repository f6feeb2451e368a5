import { basename } from 'node:path';
import { SatcountError } from '../types.js';

/** One line naming the image (the first of a mosaic's unless the error names one), whatever the error looked like. */
export function failureMessage(images: readonly string[], e: unknown, describe: (e: SatcountError) => string = (x) => x.message): string {
  const raw = e instanceof SatcountError ? describe(e) : `internal error: ${(e as Error)?.message ?? e}`;
  const line = raw.split('\n')[0];
  return images.some((i) => line.includes(i) || line.includes(basename(i))) ? line : `${images[0]}: ${line}`;
}

/** Errors that would fail every image alike: stop the run rather than fail each row. */
export const isModelProblem = (e: unknown) => e instanceof SatcountError && e.exitCode === 3;
