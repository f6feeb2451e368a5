import type { PixelBox } from '../types.js';
import { iou } from '../geom/boxes.js';
import { csvRow } from '../report/csv.js';
import { isCountedLabel, type MatchResult } from './match.js';
import type { ClassFilter, LabelBox, ScoredBox } from './types.js';

/**
 * What became of one detection, or of one vehicle label no detection found: `tp` matched a vehicle
 * label, `fp` matched nothing, `ignored` fell on a do-not-care label (doubtful, crowd, or a class
 * that is not a vehicle), `fn` is a vehicle label left unmatched.
 */
export type MatchOutcome = 'tp' | 'fp' | 'ignored' | 'fn';

/** One row of `eval --matches`: where the detector was right and wrong, to look at in the image. */
export interface MatchRecord {
  image: string;
  outcome: MatchOutcome;
  /** Detection score; null for a missed label. */
  score: number | null;
  /** The label's class for tp and fn. */
  label_class: string | null;
  /** IoU of a true positive with its label. */
  iou: number | null;
  /** In full-resolution pixels of the image file (a `--simulate-gsd` detection scaled back to them). */
  box_px: PixelBox;
}

/**
 * The records of one image, detections in score order, then the missed labels. `detections` and the
 * match are in the pixels the detector saw; `labels` in the file's; `scale` is detector pixels per
 * file pixel (1 unless the image was degraded).
 *
 * @example matchRecords('a.png', labels, detections, matchDetections(labels, detections, 0.3, f), 1, f)
 */
export function matchRecords(
  image: string,
  labels: readonly LabelBox[],
  detections: readonly ScoredBox[],
  match: MatchResult,
  scale: number,
  classes: ClassFilter,
): MatchRecord[] {
  const toFile = (b: PixelBox): PixelBox => [b[0] / scale, b[1] / scale, b[2] / scale, b[3] / scale];
  const order = detections.map((_, i) => i).sort((a, b) => detections[b].score - detections[a].score);
  const records: MatchRecord[] = order.map((d) => {
    const k = match.matchedLabel[d];
    const box = toFile(detections[d].box);
    const outcome: MatchOutcome = k !== null ? 'tp' : match.counted[d] ? 'fp' : 'ignored';
    return {
      image,
      outcome,
      score: detections[d].score,
      label_class: k !== null ? labels[k].className : null,
      iou: k !== null ? iou(box, labels[k].box) : null,
      box_px: box,
    };
  });
  const found = new Set(match.matchedLabel.filter((k): k is number => k !== null));
  labels.forEach((l, k) => {
    if (!found.has(k) && isCountedLabel(l, classes)) {
      records.push({ image, outcome: 'fn', score: null, label_class: l.className, iou: null, box_px: l.box });
    }
  });
  return records;
}

const HEADER = ['image', 'outcome', 'score', 'label_class', 'iou', 'x1', 'y1', 'x2', 'y2'];

/** The records as CSV: scores to 0.001, IoU and coordinates to 0.01 px. */
export function matchesCsv(records: readonly MatchRecord[]): string {
  const round = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);
  const rows = records.map((m) =>
    csvRow([m.image, m.outcome, round(m.score, 3), m.label_class, round(m.iou, 2), ...m.box_px.map((v) => round(v, 2))]),
  );
  return [HEADER.join(','), ...rows].join('\n') + '\n';
}
