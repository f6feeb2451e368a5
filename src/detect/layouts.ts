import type { TileDetection } from '../types.js';
import { LAYOUT_NAMES, type LayoutName } from './layout-names.js';
import { decodeCenternet } from './decode-centernet.js';
import { decodeYolo26, decodeYolov5, decodeYolov8, decodeYolov8Obb } from './decode-yolo.js';
import type { DecodeParams, OutputTensor } from './tensor.js';

export type OutputShape = Pick<OutputTensor, 'name' | 'dims'>;

/** One output layout: how to recognise it from the outputs' names and shapes, and how to decode it. */
export interface Layout {
  /** The shapes it expects, for error messages. */
  expected: string;
  /** Positions of the outputs it reads, in the order `decode` takes them, or null when they do not fit. */
  select(outputs: readonly OutputShape[]): number[] | null;
  /** Number of classes the shapes imply; null when they do not say. */
  numClasses(selected: readonly OutputShape[]): number | null;
  decode(selected: readonly OutputTensor[], p: DecodeParams): TileDetection[];
}

function isBatchOf1(o: OutputShape | undefined, rank: number): o is OutputShape {
  return o !== undefined && o.dims.length === rank && o.dims[0] === 1;
}

/** Largest row count read as YOLO26's max_det; a single-class YOLOv5 `[1, N, 6]` has thousands of rows. */
const YOLO26_MAX_ROWS = 1000;

export const LAYOUTS: Readonly<Record<LayoutName, Layout>> = {
  'satcount-centernet': {
    expected: 'heatmap [1,C,h,w], wh [1,2,h,w], offset [1,2,h,w]',
    select(outputs) {
      const at = ['heatmap', 'wh', 'offset'].map((n) => outputs.findIndex((o) => o.name === n));
      if (at.some((i) => i < 0)) return null;
      const [hm, wh, off] = at.map((i) => outputs[i]);
      if (!isBatchOf1(hm, 4) || !isBatchOf1(wh, 4) || !isBatchOf1(off, 4)) return null;
      const sameGrid = (o: OutputShape) => o.dims[1] === 2 && o.dims[2] === hm.dims[2] && o.dims[3] === hm.dims[3];
      return sameGrid(wh) && sameGrid(off) && hm.dims[1] >= 1 ? at : null;
    },
    numClasses: ([hm]) => hm.dims[1],
    decode: ([hm, wh, off], p) => decodeCenternet([hm, wh, off], p),
  },
  yolov5: {
    expected: 'YOLOv5 [1,N,5+nc]',
    select: ([o]) => (isBatchOf1(o, 3) && o.dims[2] >= 6 && o.dims[1] > o.dims[2] ? [0] : null),
    numClasses: ([o]) => o.dims[2] - 5,
    decode: ([o], p) => decodeYolov5(o, p),
  },
  yolov8: {
    expected: 'YOLOv8/11 [1,4+nc,N]',
    select: ([o]) => (isBatchOf1(o, 3) && o.dims[1] >= 5 && o.dims[1] < o.dims[2] ? [0] : null),
    numClasses: ([o]) => o.dims[1] - 4,
    decode: ([o], p) => decodeYolov8(o, p),
  },
  // Shaped like yolov8 with one more row: only chosen when the metadata says so (task 'obb').
  'yolov8-obb': {
    expected: 'YOLOv8/11-OBB [1,4+nc+1,N]',
    select: ([o]) => (isBatchOf1(o, 3) && o.dims[1] >= 6 && o.dims[1] < o.dims[2] ? [0] : null),
    numClasses: ([o]) => o.dims[1] - 5,
    decode: ([o], p) => decodeYolov8Obb(o, p),
  },
  yolo26: {
    expected: 'YOLO26 end-to-end [1,300,6]',
    select: ([o]) => (isBatchOf1(o, 3) && o.dims[2] === 6 && o.dims[1] > 6 && o.dims[1] <= YOLO26_MAX_ROWS ? [0] : null),
    numClasses: () => null,
    decode: ([o], p) => decodeYolo26(o, p),
  },
};

/** Order tried when nothing names the layout: the most specific shapes first. */
/** Every layout, in the order tried among those a model's metadata allows. */
const ALL_ORDER: readonly LayoutName[] = LAYOUT_NAMES;
/** Order tried when nothing names the layout: shapes alone cannot tell yolov8-obb from yolov8. */
const AUTO_ORDER: readonly LayoutName[] = LAYOUT_NAMES.filter((n) => n !== 'yolov8-obb');

export interface ResolvedLayout {
  name: LayoutName;
  /** Positions of the outputs the decoder reads. */
  outputs: number[];
  numClasses: number | null;
}

/**
 * Picks the layout that fits the outputs, among `candidates` (when omitted: every layout that shapes
 * alone identify, i.e. all but yolov8-obb, which only metadata tells from yolov8), trying
 * them in a fixed order. Returns null when none fits.
 */
export function resolveLayout(outputs: readonly OutputShape[], candidates: readonly LayoutName[] = AUTO_ORDER): ResolvedLayout | null {
  for (const name of ALL_ORDER) {
    if (!candidates.includes(name)) continue;
    const picked = LAYOUTS[name].select(outputs);
    if (picked) return { name, outputs: picked, numClasses: LAYOUTS[name].numClasses(picked.map((i) => outputs[i])) };
  }
  return null;
}

export function expectedLayouts(candidates: readonly LayoutName[] = AUTO_ORDER): string {
  return ALL_ORDER.filter((n) => candidates.includes(n))
    .map((n) => LAYOUTS[n].expected)
    .join('; or ');
}
