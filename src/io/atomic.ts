import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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
 * Creates one output folder (batch --out-dir) whose parent exists; its parents are never made,
 * so a typo cannot scatter folders (`--out-dir /tmp/reslts/x`). An existing folder is fine.
 */
export async function makeOutputDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => null);
  if (st?.isDirectory()) return;
  if (st) throw new SatcountError(`cannot create output folder ${dir}: a file of that name exists`);
  const parent = dirname(resolve(dir));
  if (!(await stat(parent).catch(() => null))?.isDirectory()) throw new SatcountError(`cannot create output folder ${dir}: folder ${dirname(dir)} does not exist`);
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new SatcountError(`cannot create output folder ${dir}: ${(code && ERRNO_WORDS[code]) ?? code ?? (e as Error).message}`);
  }
}

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a folder',
  ENOENT: 'its folder does not exist',
  ENAMETOOLONG: 'file name too long',
};

/** "cannot write <path>: permission denied": one line whatever failed (errno, or libvips' many lines). */
export function writeError(path: string, e: unknown): SatcountError {
  if (e instanceof SatcountError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const vips = /(Permission denied|No such file or directory|No space left on device|Is a directory|Read-only file system)/i.exec(String((e as Error)?.message ?? e))?.[1];
  const why = (code && ERRNO_WORDS[code]) ?? vips?.toLowerCase().replace('no such file or directory', 'its folder does not exist') ?? code ?? String((e as Error)?.message ?? e).split('\n')[0];
  return new SatcountError(`cannot write ${path}: ${why}`);
}

/**
 * Checks, before any work, that `path` can be written as a single file: its folder exists (it is
 * not created: a typo would make folders anywhere), is a folder and is writable, and the path is
 * not itself a folder. Throws a one-line SatcountError (exit 2).
 */
export async function checkWritable(path: string): Promise<void> {
  const fail = (why: string): never => {
    throw new SatcountError(`cannot write ${path}: ${why}`);
  };
  const dir = dirname(resolve(path));
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) fail('is a directory');
  const dst = await stat(dir).catch(() => null);
  if (!dst) fail(`folder ${dirname(path)} does not exist`);
  if (!dst!.isDirectory()) fail(`${dirname(path)} is not a folder`);
  await access(dir, constants.W_OK).catch((e) => {
    throw writeError(path, e);
  });
}

/** A file written under a temporary name, waiting to be renamed into place or thrown away. */
export interface StagedFile {
  path: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * Runs `write` against a temp file beside `path` and returns it staged: commit() renames it into
 * place, discard() removes it. Several outputs staged first and committed together appear all or
 * not at all. The folder must exist (see checkWritable).
 */
export async function stageFile(path: string, write: (tempPath: string) => Promise<void>): Promise<StagedFile> {
  const temp = tempPathFor(path);
  pending.add(temp);
  const discard = async () => {
    await rm(temp, { force: true });
    pending.delete(temp);
  };
  try {
    await write(temp);
  } catch (e) {
    await discard();
    throw writeError(path, e);
  }
  return {
    path,
    async commit() {
      try {
        await rename(temp, path);
      } catch (e) {
        await discard();
        throw writeError(path, e);
      }
      pending.delete(temp);
    },
    discard,
  };
}

/**
 * Runs `write` against a temp file beside `path`, then renames it into place, so a reader never
 * sees a half-written result, even if the process is killed mid-write.
 */
export async function withAtomicFile(path: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  await (await stageFile(path, write)).commit();
}

export function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  return withAtomicFile(path, (temp) => writeFile(temp, data));
}

/** Removes every temp file still being written; for signal handlers, hence synchronous. */
export function removePendingTempFiles(): void {
  for (const p of pending) rmSync(p, { force: true });
  pending.clear();
}
