import type { LabelBox } from './types.js';

/** Typical car length in metres: what a labelled car's long side is taken to measure. */
export const CAR_LENGTH_M = 4.5;

/**
 * Metres per pixel judged from labelled car sizes, for images that state none (the KIT and Minsk
 * frames): car length / median long side of the boxes labelled `car`, or of all boxes when none
 * is. A box's long side is close to the car's length at any heading (a car at 45° spans
 * (4.5 + 1.8) / √2 ≈ 4.45 m), and the median shrugs off trucks and cut-off cars. Null without boxes.
 *
 * @example estimateGsdFromLabels([{ box: [0, 0, 36, 15], className: 'car' }]) // → 0.125
 */
export function estimateGsdFromLabels(labels: readonly LabelBox[], carLength_m = CAR_LENGTH_M): number | null {
  const cars = labels.filter((l) => l.className.trim().toLowerCase() === 'car');
  const sides = (cars.length > 0 ? cars : labels).map((l) => Math.max(l.box[2] - l.box[0], l.box[3] - l.box[1]));
  if (sides.length === 0) return null;
  sides.sort((a, b) => a - b);
  const mid = sides.length >> 1;
  const median = sides.length % 2 === 1 ? sides[mid] : (sides[mid - 1] + sides[mid]) / 2;
  return carLength_m / median;
}
