import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SatcountError } from '../types.js';

/** Temp files in flight, so a signal handler can remove them before the process exits. */
const pending = new Set<string>();

export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** The process that named a temp file made by tempPathFor, or null for any other name. */
export function tempFileOwner(name: string): number | null {
  const pid = Number(/^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)?.[1]);
  return pid > 0 ? pid : null;
}

/**
 * Creates a folder and its missing parents one level at a time. Node 20's recursive mkdir spins
 * forever under /proc; walking up to the first existing ancestor fails there at once instead.
 */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const st = await stat(at).catch(() => null);
    if (st?.isDirectory()) break;
    if (st) throw new SatcountError(`cannot create output folder ${dir}: ${at} is a file`);
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new SatcountError(`cannot create output folder ${dir}: ${code ?? (e as Error).message}`);
    }
  }
}

/**
 * Runs `write` against a temp file beside `path`, then renames it into place, so a reader never
 * sees a half-written result, even if the process is killed mid-write.
 */
export async function withAtomicFile(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await ensureDir(dirname(path));
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
