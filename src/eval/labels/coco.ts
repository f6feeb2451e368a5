import { basename, extname } from 'node:path';
import { SatcountError } from '../../types.js';
import type { LabelBox } from '../types.js';

/** COCO detection labels, indexed by image file name. */
export interface CocoLabels {
  /** Labels of the image whose `file_name` matches `imagePath` (by name, else by name without extension). */
  labelsFor(imagePath: string): LabelBox[];
}

interface CocoImage {
  id: number | string;
  file_name: string;
}
interface CocoAnnotation {
  image_id: number | string;
  category_id: number | string;
  bbox: [number, number, number, number];
  iscrowd?: number;
  /** satcount's hand labels: a vehicle the labeller could not decide on (do-not-care, like crowd). */
  doubtful?: boolean;
}

/** True when a parsed JSON document looks like COCO detection labels. */
export function isCoco(doc: unknown): boolean {
  return isObject(doc) && Array.isArray(doc.images) && Array.isArray(doc.annotations);
}

/**
 * Reads a COCO JSON document: `images` (`id`, `file_name`), `annotations` (`image_id`,
 * `category_id`, `bbox` = [x, y, width, height] in pixels, optional `iscrowd`) and `categories`
 * (`id`, `name`). Crowd annotations, and those marked `"doubtful": true` (training/labels/), are kept
 * as `difficult`: do-not-care in matching.
 */
export function parseCoco(doc: unknown, source = 'COCO labels'): CocoLabels {
  if (!isCoco(doc)) throw new SatcountError(`${source}: not COCO JSON (no "images" and "annotations" arrays)`);
  const { images, annotations, categories } = doc as { images: CocoImage[]; annotations: CocoAnnotation[]; categories?: unknown };
  const names = new Map<string, string>();
  for (const c of Array.isArray(categories) ? categories : []) {
    if (isObject(c)) names.set(String(c.id), String(c.name));
  }
  const byId = new Map<string, LabelBox[]>();
  const byName = new Map<string, LabelBox[]>();
  const byStem = new Map<string, LabelBox[]>();
  for (const img of images) {
    if (!isObject(img) || typeof img.file_name !== 'string') {
      throw new SatcountError(`${source}: an entry of "images" has no file_name`);
    }
    const boxes: LabelBox[] = [];
    byId.set(String(img.id), boxes);
    byName.set(basename(img.file_name), boxes);
    byStem.set(stem(img.file_name), boxes);
  }
  annotations.forEach((a, i) => {
    const where = `${source}: annotation ${i}`;
    const boxes = byId.get(String(a.image_id));
    if (!boxes) throw new SatcountError(`${where} refers to image_id ${a.image_id}, which "images" does not list`);
    const bbox = a.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || bbox.some((v) => !Number.isFinite(v)) || !(bbox[2] > 0 && bbox[3] > 0)) {
      throw new SatcountError(`${where}: bbox must be [x, y, width, height] with a positive size`);
    }
    const [x, y, w, h] = bbox;
    boxes.push({
      box: [x, y, x + w, y + h],
      className: names.get(String(a.category_id)) ?? String(a.category_id),
      difficult: a.iscrowd === 1 || a.doubtful === true,
    });
  });
  return {
    labelsFor(imagePath: string): LabelBox[] {
      const boxes = byName.get(basename(imagePath)) ?? byStem.get(stem(imagePath));
      if (!boxes) throw new SatcountError(`${source}: no entry in "images" for ${basename(imagePath)}`);
      return boxes;
    },
  };
}

function stem(path: string): string {
  const name = basename(path);
  return name.slice(0, name.length - extname(name).length);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
