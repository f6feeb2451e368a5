/** Linear map of each band's [low, high] onto 0–255. */
export interface Stretch {
  low: number[];
  high: number[];
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
