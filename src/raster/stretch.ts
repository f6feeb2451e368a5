import { SettingsError } from '../types.js';

/** Linear map of each band's [low, high] onto 0–255. */
export interface Stretch {
  low: number[];
  high: number[];
}

/**
 * How the shown bands of >8-bit data share their 2–98 % ranges. `per-band` (the default) stretches
 * each band over its own range, as vendors' dynamic range adjustment does: real products carry
 * different gains and offsets per band (path radiance lifts blue's floor, green holds the highest
 * numbers), and one shared range shows that as a colour cast (WorldView-3 Shanghai, 16-bit: a
 * strong green cast and F1 0.24, against natural colour and F1 0.40 per band). `shared` maps the
 * three over one range (the lowest low to the highest high) and keeps their balance: for products
 * already radiometrically balanced, where a per-band stretch shifts the colours of a scene
 * dominated by one land cover (fields turn yellow, asphalt blue).
 */
export const STRETCH_MODES = ['per-band', 'shared'] as const;
export type StretchMode = (typeof STRETCH_MODES)[number];
export const DEFAULT_STRETCH: StretchMode = 'per-band';

/** The option's value, or the default when unset; anything else is refused naming the option. */
export function resolveStretch(mode: unknown): StretchMode {
  if (mode === undefined) return DEFAULT_STRETCH;
  if (!(STRETCH_MODES as readonly unknown[]).includes(mode)) {
    throw new SettingsError('stretch', (n) => `${n} ${String(mode)}: expected one of ${STRETCH_MODES.join(', ')}`);
  }
  return mode as StretchMode;
}

/** The [low, high] each output channel is stretched over, for the bands `from` shown as R, G, B. */
export function channelRanges(s: Stretch, from: readonly number[], mode: StretchMode): [low: number, high: number][] {
  if (mode === 'per-band') return from.map((b) => [s.low[b], s.high[b]]);
  const low = Math.min(...from.map((b) => s.low[b]));
  const high = Math.max(...from.map((b) => s.high[b]));
  return from.map(() => [low, high]);
}

const LOW_PERCENTILE = 0.02;
const HIGH_PERCENTILE = 0.98;
/** Enough values for stable percentiles; more would only cost sorting time. */
const MAX_VALUES = 1 << 20;

/**
 * 2–98 percentile stretch of each band, from sample pixels (`values[band]`, valid pixels only,
 * NaN never included). A band with no spread maps its single value to mid-grey's neighbourhood
 * rather than dividing by zero.
 */
export function percentileStretch(values: Float64Array[]): Stretch {
  const low: number[] = [];
  const high: number[] = [];
  for (const v of values) {
    if (v.length === 0) {
      low.push(0);
      high.push(1);
      continue;
    }
    const step = Math.max(1, Math.floor(v.length / MAX_VALUES));
    const sample = step === 1 ? Float64Array.from(v) : Float64Array.from({ length: Math.floor(v.length / step) }, (_, i) => v[i * step]);
    sample.sort();
    const lo = sample[Math.floor(LOW_PERCENTILE * (sample.length - 1))];
    let hi = sample[Math.ceil(HIGH_PERCENTILE * (sample.length - 1))];
    if (hi <= lo) hi = lo + 1;
    low.push(lo);
    high.push(hi);
  }
  return { low, high };
}
