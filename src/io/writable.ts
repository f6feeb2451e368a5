import { randomBytes } from 'node:crypto';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SatcountError } from '../types.js';

/**
 * Refuses an output path that could not be written, before any work is done: a folder in its
 * place, a file where a parent folder should be, or a folder that takes no new file (tried by
 * creating and removing a probe, since permission bits do not bind root and a read-only mount
 * shows only when written). Missing parent folders are fine: outputs create them.
 */
export async function checkWritable(path: string, flag: string): Promise<void> {
  const fail = (why: string): never => {
    throw new SatcountError(`${path}: cannot write ${flag} output: ${why}`);
  };
  const st = await stat(path).catch(() => null);
  if (st?.isDirectory()) fail('it is a folder');
  let dir = dirname(resolve(path));
  for (;;) {
    const d = await stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : fail(`${dir}: ${e.code}`)));
    if (d?.isDirectory()) break;
    if (d) fail(`${dir} is a file, not a folder`);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const probe = join(dir, `.satcount-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (e) {
    fail(`${dir} takes no new files (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  await rm(probe, { force: true });
}
