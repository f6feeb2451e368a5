import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { SatcountError } from '../types.js';
import { isBatchOutputImage } from '../report/outputs.js';
import { isUrl } from '../raster/sources/url.js';
import { vrtSources } from '../raster/vrt.js';

export const IMAGE_EXTENSIONS = ['tif', 'tiff', 'png', 'jpg', 'jpeg'];

/**
 * Expands folders (their images, recursively) and glob patterns into a sorted, de-duplicated list
 * of image paths; URLs pass through. An argument that matches nothing is bad usage. Overlays and
 * plots an earlier batch wrote are not inputs, so an --out-dir inside the input folder is safe.
 */
export async function expandInputs(args: string[], opts: { vrt?: boolean } = {}): Promise<string[]> {
  const extensions = opts.vrt ? [...IMAGE_EXTENSIONS, 'vrt'] : IMAGE_EXTENSIONS;
  const found = new Set<string>();
  for (const arg of args) {
    if (isUrl(arg)) {
      found.add(arg);
      continue;
    }
    const st = await stat(arg).catch(() => null);
    let matches: string[];
    if (st?.isDirectory()) {
      matches = (await glob(`**/*.{${extensions.join(',')}}`, { cwd: arg, absolute: true, caseSensitiveMatch: false })).filter((m) => !isBatchOutputImage(m));
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

/** Several images counted as one (a mosaic): `label` names it in the summary and the log. */
export interface BatchMosaic {
  label: string;
  images: string[];
}

/** One entry of a batch: an image (a file, a URL or a GDAL VRT), or a vendor's tiles of one product. */
export type BatchInput = string | BatchMosaic;

export const inputLabel = (input: BatchInput): string => (typeof input === 'string' ? input : input.label);

/** `<prefix><sep>R<row>C<col><ext>`: how vendors name the tiles they cut one strip into. */
const TILE_NAME = /^(.+?)([_-])R\d+C\d+(\.[^.]+)$/i;

/**
 * Turns expanded files into batch entries, each counted as one image. A VRT is one entry, and the
 * images it lists are not counted again on their own. Tiles of one product — files in one folder
 * named alike but for a vendor tile suffix (`scene_R1C1.tif`, `scene_R1C2.tif`, …), as a delivery's
 * folder holds them — are one entry too, labelled `<folder>/scene_R*C*.tif` (the shell pattern
 * `count` takes). Counting such tiles apart would break the queue at every tile edge and count
 * their overlaps twice. A VRT that cannot be read stays an entry, so its error becomes its row.
 *
 * @example await batchInputs(['/d/a.tif', '/d/s_R1C1.tif', '/d/s_R1C2.tif']) // ['/d/a.tif', { label: '/d/s_R*C*.tif', images: [...] }]
 */
export async function batchInputs(files: readonly string[]): Promise<BatchInput[]> {
  const claimed = new Set<string>();
  for (const f of files) {
    if (isUrl(f) || extname(f).toLowerCase() !== '.vrt') continue;
    for (const s of await vrtSources(f).catch(() => [])) claimed.add(resolve(s));
  }
  const out: BatchInput[] = [];
  const tiles = new Map<string, string[]>();
  for (const f of files) {
    if (claimed.has(resolve(f))) continue;
    const m = isUrl(f) ? null : TILE_NAME.exec(basename(f));
    if (!m) {
      out.push(f);
      continue;
    }
    const label = join(dirname(f), `${m[1]}${m[2]}R*C*${m[3]}`);
    tiles.set(label, [...(tiles.get(label) ?? []), f]);
  }
  for (const [label, images] of tiles) out.push(images.length === 1 ? images[0] : { label, images });
  return out.sort((a, b) => inputLabel(a).localeCompare(inputLabel(b)));
}

/**
 * The inputs of shard i of n (1-based): round-robin over the sorted list, so n machines given the
 * same arguments take disjoint parts of equal size without talking to each other.
 */
export function shardInputs<T>(inputs: T[], shard: { index: number; count: number } | undefined): T[] {
  if (!shard) return inputs;
  return inputs.filter((_, i) => i % shard.count === shard.index - 1);
}
