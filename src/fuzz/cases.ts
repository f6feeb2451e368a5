import { createRng, type Rng } from '../random/prng.js';
import { mutateModel, mutatePlain, mutateRoad } from './mutate-other.js';
import { mutateTiff } from './mutate-tiff.js';
import type { SeedFile, Seeds } from './seeds.js';

export type Category = 'tiff' | 'plain' | 'special' | 'road' | 'model' | 'path';

/** Inputs that are wrong as a whole rather than mutated. */
export type Special =
  | 'empty'
  | 'directory'
  | 'missing'
  | 'png-named-tif'
  | 'jpeg-named-tif'
  | 'text-named-tif'
  | 'tiff-magic-random'
  | 'header-only'
  | 'ifd-past-end'
  | 'wrong-rank-model'
  | 'model-directory'
  | 'missing-model';

/** Output paths that are wrong for the CLI cases (`path` category). */
export type HostilePath = 'out-dir-missing' | 'out-parent-is-file' | 'out-is-directory' | 'out-read-only';

export interface FuzzCase {
  id: number;
  category: Category;
  /** The seed file mutated (or the special input's name). */
  seed: string;
  mutation: string;
  /** File name extension the case is written with (".tif", ".geojson", ".onnx"). */
  ext: string;
  /** The case's file contents; absent for specials that are not plain files. */
  bytes?: Uint8Array;
  special?: Special;
  path?: HostilePath;
}

const CATEGORY_WEIGHTS: [Category, number][] = [
  ['tiff', 70],
  ['plain', 6],
  ['special', 3],
  ['road', 12],
  ['model', 6],
  ['path', 3],
];

const SPECIALS: Special[] = [
  'empty', 'directory', 'missing', 'png-named-tif', 'jpeg-named-tif', 'text-named-tif', 'tiff-magic-random', 'header-only', 'ifd-past-end',
  'wrong-rank-model', 'model-directory', 'missing-model',
];
const HOSTILE_PATHS: HostilePath[] = ['out-dir-missing', 'out-parent-is-file', 'out-is-directory', 'out-read-only'];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

function special(rng: Rng, seeds: Seeds, kind: Special): Omit<FuzzCase, 'id' | 'category'> {
  const png = seeds.plain.find((s) => s.name.endsWith('.png'))!;
  const jpg = seeds.plain.find((s) => s.name.endsWith('.jpg'))!;
  const base = { seed: kind, mutation: kind, ext: kind.endsWith('model') ? '.onnx' : '.tif', special: kind };
  switch (kind) {
    case 'png-named-tif':
      return { ...base, bytes: png.bytes };
    case 'jpeg-named-tif':
      return { ...base, bytes: jpg.bytes };
    case 'text-named-tif':
      return { ...base, bytes: new TextEncoder().encode('this is not an image\n') };
    case 'tiff-magic-random': {
      const bytes = Uint8Array.from({ length: 10240 }, () => rng.int(0, 255));
      bytes.set([0x49, 0x49, 42, 0]);
      return { ...base, bytes };
    }
    case 'header-only':
      return { ...base, bytes: Uint8Array.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]) };
    case 'ifd-past-end':
      return { ...base, bytes: Uint8Array.from([0x4d, 0x4d, 0, 42, 0, 0, 0x10, 0, 0, 0, 0, 0]) };
    case 'empty':
      return { ...base, bytes: new Uint8Array(0) };
    default:
      return base;
  }
}

function mutated(rng: Rng, seeds: Seeds, category: Category): Omit<FuzzCase, 'id' | 'category'> {
  const withSeed = (seed: SeedFile, ext: string, m: { bytes: Uint8Array; mutation: string }) => ({ seed: seed.name, ext, ...m });
  switch (category) {
    case 'tiff': {
      const seed = pick(rng, seeds.tiffs);
      return withSeed(seed, '.tif', mutateTiff(rng, seed.bytes));
    }
    case 'plain': {
      const seed = pick(rng, seeds.plain);
      const png = seed.name.endsWith('.png');
      return withSeed(seed, png ? '.png' : '.jpg', mutatePlain(rng, seed.bytes, png));
    }
    case 'road': {
      const seed = pick(rng, seeds.roads);
      return withSeed(seed, '.geojson', mutateRoad(rng, seed.bytes));
    }
    case 'model': {
      const seed = pick(rng, seeds.models);
      return withSeed(seed, '.onnx', mutateModel(rng, seed.bytes));
    }
    case 'special':
      return special(rng, seeds, pick(rng, SPECIALS));
    case 'path': {
      const path = pick(rng, HOSTILE_PATHS);
      return { seed: 'rgb-tiled-ovr.tif', mutation: path, ext: '.tif', path };
    }
  }
}

/**
 * Case `id` of the run seeded with `seed`: the same pair always gives the same case. The first
 * ids are each special input and hostile path once, so every run covers them all.
 */
export function makeCase(seeds: Seeds, seed: number, id: number): FuzzCase {
  const rng = createRng(seed).fork(id);
  if (id < SPECIALS.length) return { id, category: 'special', ...special(rng, seeds, SPECIALS[id]) };
  if (id < SPECIALS.length + HOSTILE_PATHS.length) {
    const path = HOSTILE_PATHS[id - SPECIALS.length];
    return { id, category: 'path', seed: 'rgb-tiled-ovr.tif', mutation: path, ext: '.tif', path };
  }
  const category = rng.weighted(CATEGORY_WEIGHTS);
  return { id, category, ...mutated(rng, seeds, category) };
}

/**
 * Which cases also go through the real CLI: every `every`-th, plus the first case of each
 * category and of each special input, so a short run still exercises every kind once.
 */
export function pickCliCases(cases: FuzzCase[], every: number): FuzzCase[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    const kind = c.special ?? c.path ?? c.category;
    const first = !seen.has(kind);
    seen.add(kind);
    return first || (every > 0 && c.id % every === 0);
  });
}
