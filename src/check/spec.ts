import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isUrl } from '../raster/sources/url.js';
import { SatcountError } from '../types.js';

/** An expected value: exact, or within an absolute and/or relative tolerance (the looser wins). */
export interface Expectation {
  value: number;
  abs?: number;
  rel?: number;
}

export interface CheckCase {
  name: string;
  /** One image (a file, URL, folder or VRT), or several images of one acquisition counted as one mosaic. */
  image: string | string[];
  road?: string;
  /** Command-line flags of `count`, by their long name without dashes (e.g. "queue-head": "end"). */
  flags: Record<string, string | number | boolean>;
  expect: Record<string, Expectation>;
}

export interface CheckSpec {
  path: string;
  cases: CheckCase[];
}

function fail(file: string, what: string): never {
  throw new SatcountError(`${file}: bad check spec: ${what}`);
}

function expectation(file: string, where: string, v: unknown): Expectation {
  if (typeof v === 'number' && Number.isFinite(v)) return { value: v };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(file, `${where} must be a number or { "value", "abs"?, "rel"? }`);
  const o = v as Record<string, unknown>;
  if (typeof o.value !== 'number' || !Number.isFinite(o.value)) fail(file, `${where}.value must be a number`);
  for (const k of ['abs', 'rel'] as const) {
    if (o[k] !== undefined && (typeof o[k] !== 'number' || !((o[k] as number) >= 0))) fail(file, `${where}.${k} must be a number ≥ 0`);
  }
  for (const k of Object.keys(o)) if (!['value', 'abs', 'rel'].includes(k)) fail(file, `${where} has unknown key "${k}"`);
  return { value: o.value, abs: o.abs as number | undefined, rel: o.rel as number | undefined };
}

/** Parses and validates a check spec; image and road paths resolve relative to the spec file. */
export function parseCheckSpec(text: string, file: string): CheckSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(file, `not JSON (${(e as Error).message})`);
  }
  const cases = (doc as { cases?: unknown })?.cases;
  if (!Array.isArray(cases) || cases.length === 0) fail(file, 'needs a non-empty "cases" array');
  const base = dirname(file);
  const at = (p: string) => (isAbsolute(p) || isUrl(p) ? p : resolve(base, p));
  return {
    path: file,
    cases: cases.map((c: unknown, i: number): CheckCase => {
      const o = c as Record<string, unknown>;
      const where = `cases[${i}]`;
      if (typeof o !== 'object' || o === null) fail(file, `${where} must be an object`);
      if (o.image !== undefined && o.images !== undefined) fail(file, `${where} has both "image" and "images"; give one`);
      if (o.images === undefined && (typeof o.image !== 'string' || !o.image)) fail(file, `${where}.image must be a path (or "images": the paths of one mosaic)`);
      const images = o.images as unknown[] | undefined;
      if (images !== undefined && (!Array.isArray(images) || images.length === 0 || images.some((p) => typeof p !== 'string' || !p))) {
        fail(file, `${where}.images must be a non-empty array of paths`);
      }
      const image = typeof o.image === 'string' ? o.image : (images as string[]);
      if (o.road !== undefined && typeof o.road !== 'string') fail(file, `${where}.road must be a path`);
      const flags = (o.flags ?? {}) as Record<string, string | number | boolean>;
      if (typeof flags !== 'object' || Array.isArray(flags)) fail(file, `${where}.flags must be an object`);
      const expect = o.expect as Record<string, unknown>;
      if (typeof expect !== 'object' || expect === null || Object.keys(expect).length === 0) {
        fail(file, `${where}.expect must name at least one value`);
      }
      return {
        name: typeof o.name === 'string' ? o.name : typeof image === 'string' ? image : image.join(' + '),
        image: typeof image === 'string' ? at(image) : image.map(at),
        road: typeof o.road === 'string' ? at(o.road) : undefined,
        flags,
        expect: Object.fromEntries(Object.entries(expect).map(([k, v]) => [k, expectation(file, `${where}.expect.${k}`, v)])),
      };
    }),
  };
}

export function readCheckSpec(file: string): CheckSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SatcountError(`${file}: cannot read check spec (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCheckSpec(text, file);
}
