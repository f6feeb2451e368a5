import { readdir, rm } from 'node:fs/promises';
import { makeOutputDir, tempFileOwner } from '../io/atomic.js';
import { join } from 'node:path';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the output folder and removes temp files left by runs that were killed outright
 * (SIGKILL, power loss), which no signal handler could clean. Temp files of live processes stay:
 * another batch may be writing into the same folder.
 */
export async function prepareOutDir(dir: string): Promise<void> {
  await makeOutputDir(dir);
  for (const name of await readdir(dir)) {
    const pid = tempFileOwner(name);
    if (pid && pid !== process.pid && !processAlive(pid)) await rm(join(dir, name), { force: true });
  }
}
