import { SatcountError, type PixelBox } from '../../types.js';
import type { LabelBox } from '../types.js';

export interface YoloOptions {
  width: number;
  height: number;
  /** Class names by index (a `classes.names` file); without them the index itself is the class name. */
  classNames?: readonly string[] | null;
  /** Named in error messages. */
  source?: string;
}

/**
 * Parses a YOLO label file: one object per line, `class cx cy w h` normalised to [0, 1] by the
 * image size. Also accepted: a trailing confidence column (6 fields) and YOLO segmentation lines
 * (`class x1 y1 x2 y2 x3 y3 …`), whose polygon's bounding box is used.
 *
 * @example parseYolo('0 0.5 0.5 0.1 0.2', { width: 100, height: 50, classNames: ['car'] })
 *   // → [{ box: [45, 20, 55, 30], className: 'car' }]
 */
export function parseYolo(text: string, opts: YoloOptions): LabelBox[] {
  const { width, height } = opts;
  const out: LabelBox[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${opts.source ?? 'YOLO labels'} line ${i + 1}`;
    const fields = line.split(/\s+/);
    const nums = fields.map(Number);
    if (nums.some((v) => !Number.isFinite(v))) {
      throw new SatcountError(`${where}: expected numbers "class cx cy w h", found "${line}"`);
    }
    const classIndex = nums[0];
    if (!Number.isInteger(classIndex) || classIndex < 0) {
      throw new SatcountError(`${where}: class must be a non-negative integer, found "${fields[0]}"`);
    }
    let box: PixelBox;
    if (nums.length === 5 || nums.length === 6) {
      const [, cx, cy, w, h] = nums;
      box = [(cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width, (cy + h / 2) * height];
    } else if (nums.length >= 7 && nums.length % 2 === 1) {
      const xs = nums.filter((_, k) => k > 0 && k % 2 === 1).map((v) => v * width);
      const ys = nums.filter((_, k) => k > 0 && k % 2 === 0).map((v) => v * height);
      box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    } else {
      throw new SatcountError(`${where}: expected "class cx cy w h", found ${nums.length} fields`);
    }
    if (!(box[2] > box[0] && box[3] > box[1])) {
      throw new SatcountError(`${where}: box has no area`);
    }
    out.push({ box, className: className(classIndex, opts.classNames, where) });
  });
  return out;
}

function className(index: number, names: readonly string[] | null | undefined, where: string): string {
  if (!names) return String(index);
  const name = names[index];
  if (name === undefined) {
    throw new SatcountError(`${where}: class ${index} is beyond the ${names.length} names in classes.names`);
  }
  return name;
}

/** Parses a darknet `classes.names` / `obj.names` file: one class name per line. */
export function parseClassNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
