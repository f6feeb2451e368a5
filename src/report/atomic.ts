import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SatcountError } from '../types.js';

/** Temp files in flight, so a signal handler can remove them before the process exits. */
const pending = new Set<string>();

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Runs `write` against a temp file beside `path`, then renames it into place, so a reader never
 * sees a half-written result, even if the process is killed mid-write.
 */
export async function withAtomicFile(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new SatcountError(`cannot create output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const temp = tempPathFor(path);
  pending.add(temp);
  try {
    await write(temp);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    if (e instanceof SatcountError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new SatcountError(`cannot write ${path}: ${code ?? (e as Error).message}`);
  } finally {
    pending.delete(temp);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return withAtomicFile(path, (temp) => writeFile(temp, data));
}

/** Removes every temp file still being written; for signal handlers, hence synchronous. */
export function removePendingTempFiles(): void {
  for (const p of pending) rmSync(p, { force: true });
  pending.clear();
}
