import { InvalidArgumentError } from 'commander';

/** commander argument parsers: each rejects bad values with a message commander prints as one line. */

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return n;
}

export function probability(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
  return n;
}

/** "3,2,1" → [3, 2, 1]: 1-based band indices, one or three of them. */
export function bandList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const bands = parts.map(Number);
  if (bands.some((b) => !Number.isInteger(b) || b < 1) || (bands.length !== 1 && bands.length !== 3)) {
    throw new InvalidArgumentError(`expected 1 or 3 band numbers counted from 1, e.g. "3,2,1"; got "${value}"`);
  }
  return bands;
}

/** "car,small vehicle" → ["car", "small vehicle"]: a non-empty list of names. */
export function nameList(value: string): string[] {
  const names = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new InvalidArgumentError(`expected comma-separated class names, got "${value}"`);
  return names;
}

export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}; got "${value}"`);
    }
    return value as T;
  };
}

/** "i/n" → { index: i, count: n }, 1 ≤ i ≤ n. */
export function shard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InvalidArgumentError(`expected i/n with 1 ≤ i ≤ n, e.g. "2/8"; got "${value}"`);
  }
  return { index, count };
}
