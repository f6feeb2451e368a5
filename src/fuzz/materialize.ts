import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FuzzCase } from './cases.js';

/** Where the project's test models live, relative to the project root. */
export const WRONG_RANK_MODEL = join('tests', 'models', 'wrong-rank.onnx');

/**
 * Puts a case's input on disk under `dir` and returns its path: a file with its bytes, or for the
 * special cases a directory, a path that does not exist, or a test model.
 */
export async function materialize(c: FuzzCase, dir: string, root: string): Promise<string> {
  const path = join(dir, `case-${c.id}${c.ext}`);
  await rm(path, { recursive: true, force: true });
  switch (c.special) {
    case 'directory':
    case 'model-directory':
      await mkdir(path, { recursive: true });
      return path;
    case 'missing':
    case 'missing-model':
      return path;
    case 'wrong-rank-model':
      return join(root, WRONG_RANK_MODEL);
  }
  await writeFile(path, c.bytes ?? new Uint8Array(0));
  return path;
}

/** Removes what `materialize` made (never a test model). */
export async function cleanUp(c: FuzzCase, path: string): Promise<void> {
  if (c.special !== 'wrong-rank-model') await rm(path, { recursive: true, force: true });
}
