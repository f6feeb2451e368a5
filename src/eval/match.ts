import type { PixelBox } from '../types.js';
import type { ClassFilter, LabelBox, MatchCounts, ScoredBox } from './types.js';
import { iou } from '../geom/boxes.js';

export interface MatchResult extends MatchCounts {
  /** For each detection (input order): index of the label it matched, or null. */
  matchedLabel: (number | null)[];
  /** For each detection: whether it counts (false when it fell on an ignored label). */
  counted: boolean[];
}

/**
 * Matches detections to labels one-to-one, greedily by descending detection score: each detection
 * takes the unmatched vehicle label it overlaps most, if that IoU ≥ `iouThreshold`. Greedy rather
 * than Hungarian because it is what VOC/COCO evaluation does, so the figures compare with
 * published ones, and with vehicles a few box lengths apart the two rarely differ.
 *
 * Labels whose class is not a vehicle, and difficult/crowd labels, are ignored: a detection that
 * finds no vehicle label but overlaps an ignored one by ≥ `iouThreshold` is neither TP nor FP
 * (the detector is not punished for, say, a cyclist it was not asked about, nor rewarded), and an
 * ignored label left unmatched is no FN. An ignored label may absorb several detections.
 *
 * @example matchDetections([{ box: [0, 0, 10, 10], className: 'car' }],
 *   [{ box: [0, 0, 10, 10], score: 0.9 }, { box: [1, 0, 11, 10], score: 0.8 }], 0.3, filter)
 *   // → { tp: 1, fp: 1, fn: 0, ignored: 0, … }
 */
export function matchDetections(
  labels: readonly LabelBox[],
  detections: readonly ScoredBox[],
  iouThreshold: number,
  classes: ClassFilter,
): MatchResult {
  const counts = (l: LabelBox) => isCountedLabel(l, classes);
  const taken = labels.map((l) => !counts(l));
  const order = detections.map((_, i) => i).sort((a, b) => detections[b].score - detections[a].score);
  const matchedLabel: (number | null)[] = detections.map(() => null);
  const counted = detections.map(() => true);
  let tp = 0;
  let fp = 0;
  let ignored = 0;
  for (const d of order) {
    const box = detections[d].box;
    let best = -1;
    let bestIou = 0;
    labels.forEach((l, k) => {
      if (taken[k]) return;
      const v = iou(box, l.box);
      if (v > bestIou && v >= iouThreshold) {
        best = k;
        bestIou = v;
      }
    });
    if (best >= 0) {
      taken[best] = true;
      matchedLabel[d] = best;
      tp++;
    } else if (labels.some((l) => !counts(l) && overlaps(box, l.box, iouThreshold))) {
      counted[d] = false;
      ignored++;
    } else {
      fp++;
    }
  }
  const gt = labels.filter(counts).length;
  return { tp, fp, fn: gt - tp, ignored, matchedLabel, counted };
}

/** A label a detector must find: a vehicle class, not marked difficult or do-not-care. */
export function isCountedLabel(label: LabelBox, classes: ClassFilter): boolean {
  return classes.isVehicle(label.className) && !label.difficult;
}

/** IoU at least the threshold, and some overlap at all (so `--iou 0` does not match strangers). */
function overlaps(a: PixelBox, b: PixelBox, threshold: number): boolean {
  const v = iou(a, b);
  return v > 0 && v >= threshold;
}
