import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { SatcountError } from '../types.js';
import { isBatchOutputImage } from '../report/outputs.js';
import { isUrl } from '../raster/sources/url.js';

export const IMAGE_EXTENSIONS = ['tif', 'tiff', 'png', 'jpg', 'jpeg'];

/**
 * Expands folders (their images, recursively) and glob patterns into a sorted, de-duplicated list
 * of image paths; URLs pass through. An argument that matches nothing is bad usage. Overlays and
 * plots an earlier batch wrote are not inputs, so an --out-dir inside the input folder is safe.
 */
export async function expandInputs(args: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const arg of args) {
    if (isUrl(arg)) {
      found.add(arg);
      continue;
    }
    const st = await stat(arg).catch(() => null);
    let matches: string[];
    if (st?.isDirectory()) {
      matches = (await glob(`**/*.{${IMAGE_EXTENSIONS.join(',')}}`, { cwd: arg, absolute: true, caseSensitiveMatch: false })).filter((m) => !isBatchOutputImage(m));
    } else if (st?.isFile()) {
      matches = [resolve(arg)];
    } else {
      matches = (await glob(arg, { absolute: true, onlyFiles: true })).filter((m) => !isBatchOutputImage(m));
    }
    if (matches.length === 0) throw new SatcountError(`${arg}: no such file, folder, or images matching the pattern`);
    for (const m of matches) found.add(m);
  }
  return [...found].sort();
}

/**
 * The inputs of shard i of n (1-based): round-robin over the sorted list, so n machines given the
 * same arguments take disjoint parts of equal size without talking to each other.
 */
export function shardInputs<T>(inputs: T[], shard: { index: number; count: number } | undefined): T[] {
  if (!shard) return inputs;
  return inputs.filter((_, i) => i % shard.count === shard.index - 1);
}
