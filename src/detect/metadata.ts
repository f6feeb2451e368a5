import { SatcountError, type Normalization, type QualityEntry } from '../types.js';
import { LAYOUT_NAMES, type LayoutName } from './layout-names.js';
import { parsePyLiteral, type PyValue } from './pyliteral.js';


/** Model settings one metadata convention states; anything it does not state is left out. */
export interface MetadataSettings {
  name?: string;
  gsd_m?: number;
  /** Pixel sizes (metres, finest and coarsest) the model's accuracy was measured on. */
  gsd_range_m?: [finest: number, coarsest: number];
  input_size?: [w: number, h: number];
  layout?: LayoutName;
  /** Layouts a convention allows when it names a family rather than one layout; shapes decide. */
  layoutCandidates?: LayoutName[];
  classes?: string[];
  score_threshold?: number;
  nms_iou?: number;
  /** Test-time mirror averaging by default (satcount key `tta`; the quality was measured with it). */
  tta?: boolean;
  normalization?: Normalization;
  tile_overlap?: number;
  /** Overlap as a share of the tile size, when the convention states it so (Deepness). */
  tileOverlapFraction?: number;
  trained_on?: string | null;
  /** Measured precision and recall per class per GSD (satcount key `quality`). */
  quality?: QualityEntry[];
}

function fail(path: string, what: string): never {
  throw new SatcountError(`${path}: model metadata ${what}`, 3);
}

function positive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function fraction(v: unknown): v is number {
  return positive(v) && v <= 1;
}

function size(v: unknown): [number, number] | undefined {
  const isDim = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
  if (isDim(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && isDim(v[0]) && isDim(v[1])) return [v[0], v[1]];
  return undefined;
}

function triple(v: unknown, allPositive: boolean): [number, number, number] | undefined {
  if (!Array.isArray(v) || v.length !== 3) return undefined;
  if (!v.every((n) => typeof n === 'number' && Number.isFinite(n) && (!allPositive || n > 0))) return undefined;
  return [v[0], v[1], v[2]];
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `quality`: a list of { gsd_m, class, precision, recall, n_truth, set }, one per class per GSD band.
 * Counting builds intervals from it, so a malformed entry refuses the model rather than being skipped.
 */
export function parseQuality(v: unknown, path: string): QualityEntry[] {
  if (!Array.isArray(v)) fail(path, 'quality must be a list of { gsd_m, class, precision, recall, n_truth, set }');
  return v.map((e, i) => {
    const where = `quality[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(path, `${where} is not an object`);
    const q = e as Record<string, unknown>;
    if (!positive(q.gsd_m)) fail(path, `${where}.gsd_m must be a positive number of metres`);
    if (typeof q.class !== 'string' || q.class === '') fail(path, `${where}.class must be a class name`);
    for (const k of ['precision', 'recall'] as const) {
      const x = q[k];
      if (typeof x !== 'number' || !(x >= 0 && x <= 1)) fail(path, `${where}.${k} must be in [0, 1]`);
    }
    if (!Number.isInteger(q.n_truth) || (q.n_truth as number) < 0) fail(path, `${where}.n_truth must be a whole number`);
    if (typeof q.set !== 'string') fail(path, `${where}.set must name the validation sets`);
    return { gsd_m: q.gsd_m, class: q.class, precision: q.precision as number, recall: q.recall as number, n_truth: q.n_truth as number, set: q.set };
  });
}

/** The `satcount` key: a JSON object, checked field by field so a bad model fails with a clear line. */
function fromSatcount(raw: string, path: string): MetadataSettings {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(raw);
  } catch {
    fail(path, "'satcount' is not valid JSON");
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(path, "'satcount' is not a JSON object");
  const out: MetadataSettings = {};
  if (m.name !== undefined) {
    if (typeof m.name !== 'string') fail(path, 'name must be a string');
    out.name = m.name;
  }
  if (m.gsd_m !== undefined) {
    if (!positive(m.gsd_m)) fail(path, `gsd_m must be a positive number of metres, got ${JSON.stringify(m.gsd_m)}`);
    out.gsd_m = m.gsd_m;
  }
  if (m.gsd_range_m !== undefined) {
    const r = m.gsd_range_m;
    if (!Array.isArray(r) || r.length !== 2 || !positive(r[0]) || !positive(r[1]) || r[0] > r[1]) {
      fail(path, `gsd_range_m must be [finest, coarsest] metres per pixel, got ${JSON.stringify(r)}`);
    }
    out.gsd_range_m = [r[0], r[1]];
  }
  if (m.input_size !== undefined) {
    out.input_size = size(m.input_size) ?? fail(path, `input_size must be [width, height], got ${JSON.stringify(m.input_size)}`);
  }
  if (m.layout !== undefined) {
    if (!LAYOUT_NAMES.includes(m.layout as LayoutName)) {
      fail(path, `layout ${JSON.stringify(m.layout)} is not one of ${LAYOUT_NAMES.join(', ')}`);
    }
    out.layout = m.layout as LayoutName;
  }
  if (m.classes !== undefined) {
    if (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'string')) fail(path, 'classes must be a list of names');
    out.classes = m.classes as string[];
  }
  if (m.score_threshold !== undefined) {
    if (!fraction(m.score_threshold)) fail(path, 'score_threshold must be in (0, 1]');
    out.score_threshold = m.score_threshold;
  }
  if (m.nms_iou !== undefined) {
    if (!fraction(m.nms_iou)) fail(path, 'nms_iou must be in (0, 1]');
    out.nms_iou = m.nms_iou;
  }
  if (m.tta !== undefined) {
    if (typeof m.tta !== 'boolean') fail(path, 'tta must be true or false');
    out.tta = m.tta;
  }
  if (m.tile_overlap !== undefined) {
    if (!Number.isInteger(m.tile_overlap) || (m.tile_overlap as number) < 0) fail(path, 'tile_overlap must be a whole number of pixels');
    out.tile_overlap = m.tile_overlap as number;
  }
  if (m.normalization !== undefined) {
    const n = m.normalization as Record<string, unknown>;
    const order = n?.order ?? 'rgb';
    const mean = triple(n?.mean ?? [0, 0, 0], false);
    const std = triple(n?.std ?? [1, 1, 1], true);
    if ((order !== 'rgb' && order !== 'bgr') || !mean || !std) {
      fail(path, 'normalization must be { order: "rgb"|"bgr", mean: [3 numbers], std: [3 positive numbers] }');
    }
    out.normalization = { order, mean, std };
  }
  if (m.trained_on !== undefined) {
    if (m.trained_on !== null && typeof m.trained_on !== 'string') fail(path, 'trained_on must be a string');
    out.trained_on = m.trained_on;
  }
  if (m.quality !== undefined) out.quality = parseQuality(m.quality, path);
  return out;
}

/** Deepness stores values with json.dumps, but some models carry Python reprs instead. */
function loose(raw: string): PyValue | unknown {
  try {
    return JSON.parse(raw);
  } catch {
    try {
      return parsePyLiteral(raw);
    } catch {
      return raw;
    }
  }
}

function number(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const v = loose(raw);
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function text(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const v = loose(raw);
  return typeof v === 'string' ? v : raw;
}

/**
 * Class names from `{0: 'car'}` (Python), `{"0": "car"}` (JSON) or a list. The key is the class
 * index; an index the dict skips gets a placeholder name so later indices keep their meaning.
 */
export function classNames(raw: string, path: string, key: string): string[] {
  const v = loose(raw);
  const entries: [number, unknown][] = Array.isArray(v)
    ? v.map((name, i) => [i, name])
    : v instanceof Map
      ? [...v.entries()].map(([k, name]) => [Number(k), name])
      : typeof v === 'object' && v !== null
        ? Object.entries(v).map(([k, name]) => [Number(k), name])
        : [];
  if (entries.length === 0 || !entries.every(([i, name]) => Number.isInteger(i) && i >= 0 && typeof name === 'string')) {
    fail(path, `${key} is not a dict or list of class names: ${raw.slice(0, 80)}`);
  }
  const out: string[] = [];
  for (const [i, name] of entries) out[i] = name as string;
  return Array.from(out, (name, i) => name ?? `class_${i}`);
}

const DEEPNESS_DET_TYPES: Record<string, LayoutName[]> = {
  YOLO_v5_or_v7_default: ['yolov5'],
  // YOLOv6 has an objectness column that is always ~1, so objectness × class is the class score.
  YOLO_v6: ['yolov5'],
  YOLO_v9: ['yolov8'],
  YOLO_Ultralytics: ['yolov8', 'yolo26'],
};

/** Deepness (QGIS plugin) keys. */
function fromDeepness(meta: Record<string, string>, path: string): MetadataSettings {
  const modelType = text(meta.model_type);
  if (modelType !== undefined && modelType.toLowerCase() !== 'detector') {
    throw new SatcountError(`${path}: a Deepness ${modelType} model, not a detector`, 3);
  }
  const detType = text(meta.det_type);
  let layoutCandidates: LayoutName[] | undefined;
  if (detType !== undefined) {
    layoutCandidates = DEEPNESS_DET_TYPES[detType];
    if (!layoutCandidates) throw new SatcountError(`${path}: Deepness detector type ${detType} is not supported`, 3);
  }
  const resolutionCm = number(meta.resolution);
  const tile = number(meta.tile_size ?? meta.tiles_size);
  const overlapPct = number(meta.tiles_overlap);
  return defined({
    gsd_m: positive(resolutionCm) ? resolutionCm / 100 : undefined,
    input_size: tile !== undefined ? size(tile) : undefined,
    tileOverlapFraction: overlapPct !== undefined && overlapPct >= 0 && overlapPct < 100 ? overlapPct / 100 : undefined,
    classes: meta.class_names !== undefined ? classNames(meta.class_names, path, 'class_names') : undefined,
    score_threshold: fraction(number(meta.det_conf)) ? number(meta.det_conf) : undefined,
    nms_iou: fraction(number(meta.det_iou_thresh)) ? number(meta.det_iou_thresh) : undefined,
    layoutCandidates,
  });
}

/** Ultralytics export keys; values are Python reprs. */
function fromUltralytics(meta: Record<string, string>, path: string): MetadataSettings {
  const task = text(meta.task);
  if (task !== undefined && task !== 'detect' && task !== 'obb') {
    throw new SatcountError(`${path}: an Ultralytics ${task} model; only detect and obb models are supported`, 3);
  }
  let input_size: [number, number] | undefined;
  if (meta.imgsz !== undefined) {
    const hw = size(loose(meta.imgsz));
    if (!hw) fail(path, `imgsz is not a size: ${meta.imgsz}`);
    input_size = [hw[1], hw[0]]; // Ultralytics writes [height, width]
  }
  const end2end = meta.end2end !== undefined ? loose(meta.end2end) === true : undefined;
  return defined({
    input_size,
    classes: meta.names !== undefined ? classNames(meta.names, path, 'names') : undefined,
    layoutCandidates:
      task === 'obb' ? ['yolov8-obb'] : end2end === true ? ['yolo26'] : task !== undefined || meta.imgsz !== undefined ? ['yolov8', 'yolo26'] : undefined,
  } satisfies MetadataSettings);
}

/**
 * Reads the settings a model file carries, from any convention it follows. Where conventions
 * overlap, satcount's own key wins over Deepness keys, which win over Ultralytics keys.
 */
export function settingsFromMetadata(meta: Record<string, string>, path: string): MetadataSettings {
  const ultralytics = fromUltralytics(meta, path);
  const deepness = fromDeepness(meta, path);
  const own = meta.satcount !== undefined ? fromSatcount(meta.satcount, path) : {};
  return { ...ultralytics, ...deepness, ...own };
}
