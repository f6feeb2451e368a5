import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeCenternet } from '../src/detect/decode-centernet.js';
import { decodeYolo26, decodeYolov5, decodeYolov8, decodeYolov8Obb } from '../src/detect/decode-yolo.js';
import { resolveLayout } from '../src/detect/layouts.js';
import { settingsFromMetadata } from '../src/detect/metadata.js';
import { loadModel, type Detector } from '../src/detect/model.js';
import { DEFAULT_MODEL_PATH } from '../src/pipeline/model-path.js';
import { openRaster } from '../src/raster/open.js';
import { fillInput, normalizationTables } from '../src/detect/normalize.js';
import { readOnnxHeader } from '../src/detect/onnx-proto.js';
import { parsePyLiteral } from '../src/detect/pyliteral.js';
import type { OutputTensor } from '../src/detect/tensor.js';
import { SatcountError, type TileDetection } from '../src/types.js';

const MODELS = join(import.meta.dirname, 'models');
const model = (name: string) => join(MODELS, name);
const scratch = mkdtempSync(join(tmpdir(), 'satcount-detect-'));
const params = { inputWidth: 64, inputHeight: 64, score_threshold: 0.25 };

function tensor(name: string, dims: number[], fill: (i: number) => number = () => 0): OutputTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dims, data: Float32Array.from({ length: n }, (_, i) => fill(i)) };
}

/** A dark tile with bright squares: [x, y, side] in pixels. */
function blobTile(size: number, squares: [number, number, number][]): Uint8Array {
  const rgb = new Uint8Array(size * size * 3).fill(30);
  for (const [x0, y0, side] of squares) {
    for (let y = y0; y < y0 + side; y++) rgb.fill(235, (y * size + x0) * 3, (y * size + x0 + side) * 3);
  }
  return rgb;
}

const centre = (d: TileDetection) => [(d.box[0] + d.box[2]) / 2, (d.box[1] + d.box[3]) / 2];

/** Runs `fn` and returns the SatcountError it throws. */
async function modelFailure(fn: () => Promise<unknown>): Promise<SatcountError> {
  const e = await fn().then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(SatcountError);
  expect((e as SatcountError).exitCode).toBe(3);
  expect((e as SatcountError).message).not.toContain('\n');
  return e as SatcountError;
}

describe('ONNX header reader', () => {
  test('reads the metadata of a model file', () => {
    const h = readOnnxHeader(readFileSync(model('blob-centernet.onnx')));
    expect(h.irVersion).toBe(8);
    expect(JSON.parse(h.metadata.satcount)).toMatchObject({ gsd_m: 0.3, layout: 'satcount-centernet', classes: ['car'] });
  });

  test('refuses random bytes and a truncated model', () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    expect(() => readOnnxHeader(random)).toThrow();
    const whole = readFileSync(model('blob-centernet.onnx'));
    expect(() => readOnnxHeader(whole.subarray(0, whole.length - 200))).toThrow();
    expect(() => readOnnxHeader(new TextEncoder().encode('not a model at all\n'))).toThrow();
  });
});

describe('metadata', () => {
  test('Python literals as Ultralytics writes them', () => {
    expect(parsePyLiteral("{0: 'car', 1: \"truck\", 2: 'it\\'s'}")).toEqual(
      new Map<number, string>([
        [0, 'car'],
        [1, 'truck'],
        [2, "it's"],
      ]),
    );
    expect(parsePyLiteral('[640, 480]')).toEqual([640, 480]);
    expect(parsePyLiteral('(1, 2,)')).toEqual([1, 2]);
    expect(parsePyLiteral('True')).toBe(true);
    expect(() => parsePyLiteral("{0: 'car'")).toThrow();
  });

  test("satcount's own key, validated field by field", () => {
    const s = settingsFromMetadata(
      {
        satcount: JSON.stringify({
          name: 'm',
          gsd_m: 0.15,
          input_size: [512, 384],
          layout: 'yolov8',
          classes: ['car'],
          score_threshold: 0.3,
          nms_iou: 0.6,
          tta: true,
          tile_overlap: 48,
          normalization: { order: 'bgr', mean: [0.4, 0.5, 0.6], std: [0.2, 0.2, 0.2] },
          trained_on: 'somewhere',
        }),
      },
      'm.onnx',
    );
    expect(s).toEqual({
      name: 'm',
      gsd_m: 0.15,
      input_size: [512, 384],
      layout: 'yolov8',
      classes: ['car'],
      score_threshold: 0.3,
      nms_iou: 0.6,
      tta: true,
      tile_overlap: 48,
      normalization: { order: 'bgr', mean: [0.4, 0.5, 0.6], std: [0.2, 0.2, 0.2] },
      trained_on: 'somewhere',
    });
    expect(() => settingsFromMetadata({ satcount: '{gsd' }, 'm.onnx')).toThrow("m.onnx: model metadata 'satcount' is not valid JSON");
    expect(() => settingsFromMetadata({ satcount: '{"gsd_m": -1}' }, 'm.onnx')).toThrow(/gsd_m must be a positive number/);
    expect(() => settingsFromMetadata({ satcount: '{"layout": "ssd"}' }, 'm.onnx')).toThrow(/layout "ssd" is not one of/);
    expect(() => settingsFromMetadata({ satcount: '{"tta": "yes"}' }, 'm.onnx')).toThrow('m.onnx: model metadata tta must be true or false');
  });

  test('Deepness keys: JSON values, resolution in cm, overlap in percent, class names as JSON or Python', () => {
    const s = settingsFromMetadata(
      {
        model_type: '"Detector"',
        class_names: "{0: 'car', 2: 'bus'}",
        resolution: '15',
        tiles_size: '512',
        tiles_overlap: '10',
        det_conf: '0.35',
        det_iou_thresh: '0.4',
        det_type: '"YOLO_v5_or_v7_default"',
      },
      'd.onnx',
    );
    expect(s).toEqual({
      gsd_m: 0.15,
      input_size: [512, 512],
      tileOverlapFraction: 0.1,
      classes: ['car', 'class_1', 'bus'],
      score_threshold: 0.35,
      nms_iou: 0.4,
      layoutCandidates: ['yolov5'],
    });
    expect(settingsFromMetadata({ class_names: '{"0": "car", "1": "van"}' }, 'd.onnx').classes).toEqual(['car', 'van']);
    expect(() => settingsFromMetadata({ model_type: '"Segmentor"' }, 'd.onnx')).toThrow('d.onnx: a Deepness Segmentor model, not a detector');
  });

  test('Ultralytics keys: imgsz is [height, width]; only detect models', () => {
    const s = settingsFromMetadata({ names: "{0: 'car', 1: 'truck'}", imgsz: '[480, 640]', stride: '32', task: 'detect' }, 'u.onnx');
    expect(s).toEqual({ input_size: [640, 480], classes: ['car', 'truck'], layoutCandidates: ['yolov8', 'yolo26'] });
    expect(settingsFromMetadata({ imgsz: '[640, 640]', end2end: 'True' }, 'u.onnx').layoutCandidates).toEqual(['yolo26']);
    expect(() => settingsFromMetadata({ task: 'segment' }, 'u.onnx')).toThrow('u.onnx: an Ultralytics segment model; only detect and obb models are supported');
    expect(settingsFromMetadata({ task: 'obb', imgsz: '[1024, 1024]' }, 'u.onnx').layoutCandidates).toEqual(['yolov8-obb']);
  });

  test("per-GSD quality in satcount's key: typed entries, a malformed one refuses the model", () => {
    const entry = { gsd_m: 0.3, class: 'car', precision: 0.91, recall: 0.84, n_truth: 1234, set: 'satellite + packed' };
    expect(settingsFromMetadata({ satcount: JSON.stringify({ quality: [entry] }) }, 'm.onnx').quality).toEqual([entry]);
    const bad = (q: unknown) => () => settingsFromMetadata({ satcount: JSON.stringify({ quality: q }) }, 'm.onnx');
    expect(bad({ car: 0.9 })).toThrow('m.onnx: model metadata quality must be a list of { gsd_m, class, precision, recall, n_truth, set }');
    expect(bad([{ ...entry, recall: 1.2 }])).toThrow('m.onnx: model metadata quality[0].recall must be in [0, 1]');
    expect(bad([entry, { ...entry, gsd_m: 0 }])).toThrow('quality[1].gsd_m must be a positive number of metres');
    expect(bad([{ ...entry, n_truth: 2.5 }])).toThrow('quality[0].n_truth must be a whole number');
  });

  test("satcount's key wins over Deepness, which wins over Ultralytics", () => {
    const s = settingsFromMetadata(
      { names: "{0: 'a'}", class_names: '{"0": "b"}', resolution: '50', satcount: '{"gsd_m": 0.3}' },
      'x.onnx',
    );
    expect(s.classes).toEqual(['b']);
    expect(s.gsd_m).toBe(0.3);
  });
});

describe('normalisation', () => {
  test('interleaved RGB to planar CHW in model order with mean and std', () => {
    const rgb = Uint8Array.from([255, 0, 51, 0, 255, 102]); // two pixels
    const norm = { order: 'bgr' as const, mean: [0.5, 0, 0] as [number, number, number], std: [0.5, 1, 2] as [number, number, number] };
    const out = new Float32Array(6);
    fillInput(rgb, 2, norm.order, normalizationTables(norm), out);
    // plane 0 = blue: (0.2 - 0.5) / 0.5, (0.4 - 0.5) / 0.5; plane 1 = green; plane 2 = red / 2
    expect(Array.from(out).map((v) => +v.toFixed(4))).toEqual([-0.6, -0.2, 0, 1, 0.5, 0]);
  });
});

describe('layout decoders', () => {
  test('centernet: one peak per blob at (cell + offset) × stride, best class, plateaus give one peak', () => {
    const [h, w] = [16, 16]; // stride 4 on 64 px
    const heat = tensor('heatmap', [1, 2, h, w]);
    const wh = tensor('wh', [1, 2, h, w], (i) => (i < h * w ? 12 : 8));
    const off = tensor('offset', [1, 2, h, w], () => 0.25);
    heat.data[1 * h * w + 3 * w + 5] = 0.9; // class 1 at cell (5, 3)
    heat.data[3 * w + 4] = 0.5; // weaker neighbour: suppressed
    heat.data[10 * w + 10] = 0.6; // class 0, a 2×2 plateau at (10..11, 10..11)
    heat.data[10 * w + 11] = 0.6;
    heat.data[11 * w + 10] = 0.6;
    heat.data[11 * w + 11] = 0.6;
    heat.data[14 * w + 1] = 0.2; // below threshold
    const dets = decodeCenternet([heat, wh, off], params);
    expect(dets).toEqual([
      { box: [21 - 6, 13 - 4, 21 + 6, 13 + 4], score: expect.closeTo(0.9, 6), classIndex: 1 },
      { box: [41 - 6, 41 - 4, 41 + 6, 41 + 4], score: expect.closeTo(0.6, 6), classIndex: 0 },
    ]);
  });

  test('YOLOv5 rows: score is objectness × class score', () => {
    const out = tensor('output0', [1, 3, 7]);
    out.data.set([20, 20, 10, 10, 0.9, 0.1, 0.8, 5, 5, 4, 4, 0.2, 1, 0, 40, 40, 8, 8, 0.5, 0.4, 0.3], 0);
    expect(decodeYolov5(out, params)).toEqual([{ box: [15, 15, 25, 25], score: expect.closeTo(0.72, 5), classIndex: 1 }]);
  });

  test('YOLOv8 columns: the best class score is the score', () => {
    const n = 3;
    const out = tensor('output0', [1, 6, n]);
    const cols = [
      [20, 20, 10, 10, 0.3, 0.7],
      [5, 5, 4, 4, 0.1, 0.2],
      [40, 40, 8, 6, 0.6, 0.1],
    ];
    cols.forEach((c, i) => c.forEach((v, k) => (out.data[k * n + i] = v)));
    expect(decodeYolov8(out, params)).toEqual([
      { box: [15, 15, 25, 25], score: expect.closeTo(0.7, 5), classIndex: 1 },
      { box: [36, 37, 44, 43], score: expect.closeTo(0.6, 5), classIndex: 0 },
    ]);
  });

  test('YOLOv8-OBB columns: the rotated box becomes the axis-aligned box around it; the angle row is no class', () => {
    const n = 2;
    const out = tensor('output0', [1, 7, n]); // cx, cy, w, h, 2 classes, angle
    const cols = [
      [20, 20, 12, 6, 0.1, 0.8, Math.PI / 2],
      [40, 40, 10, 10, 0.5, 0.2, Math.PI / 4],
    ];
    cols.forEach((c, i) => c.forEach((v, k) => (out.data[k * n + i] = v)));
    const dets = decodeYolov8Obb(out, params);
    expect(dets.map((d) => [d.box.map((v) => +v.toFixed(3)), d.classIndex])).toEqual([
      [[17, 14, 23, 26], 1],
      [[40 - 5 * Math.SQRT2, 40 - 5 * Math.SQRT2, 40 + 5 * Math.SQRT2, 40 + 5 * Math.SQRT2].map((v) => +v.toFixed(3)), 0],
    ]);
  });

  test('YOLO26 rows are corner boxes with score and class', () => {
    const out = tensor('output0', [1, 300, 6]);
    out.data.set([1, 2, 11, 12, 0.9, 1, 3, 3, 5, 5, 0.1, 0], 0);
    expect(decodeYolo26(out, params)).toEqual([{ box: [1, 2, 11, 12], score: expect.closeTo(0.9, 5), classIndex: 1 }]);
  });

  test('layouts are told apart by output names and shapes', () => {
    const shapes = (...o: [string, number[]][]) => o.map(([name, dims]) => ({ name, dims }));
    expect(resolveLayout(shapes(['heatmap', [1, 2, 128, 128]], ['wh', [1, 2, 128, 128]], ['offset', [1, 2, 128, 128]]))?.name).toBe('satcount-centernet');
    expect(resolveLayout(shapes(['output0', [1, 25200, 85]]))).toEqual({ name: 'yolov5', outputs: [0], numClasses: 80 });
    expect(resolveLayout(shapes(['output0', [1, 84, 8400]]))).toEqual({ name: 'yolov8', outputs: [0], numClasses: 80 });
    expect(resolveLayout(shapes(['output0', [1, 300, 6]]))?.name).toBe('yolo26');
    expect(resolveLayout(shapes(['output0', [1, 25200, 6]]))?.name).toBe('yolov5');
    expect(resolveLayout(shapes(['output0', [1, 300, 6]]), ['yolov8'])).toBeNull();
    // An OBB output looks like YOLOv8 with one more class: only metadata picks it.
    expect(resolveLayout(shapes(['output0', [1, 20, 21504]]))?.name).toBe('yolov8');
    expect(resolveLayout(shapes(['output0', [1, 20, 21504]]), ['yolov8-obb'])).toEqual({ name: 'yolov8-obb', outputs: [0], numClasses: 15 });
    expect(resolveLayout(shapes(['heatmap', [1, 2, 128, 128]]))).toBeNull();
  });
});

describe('loadModel and detect (onnxruntime)', () => {
  const open: Detector[] = [];
  const load = async (...args: Parameters<typeof loadModel>) => {
    const d = await loadModel(...args);
    open.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(open.map((d) => d.close()));
  });

  test('blob-centernet finds each bright 16 px square once, centred on it, with a 16 px box', async () => {
    const d = await load(model('blob-centernet.onnx'));
    expect(d.info).toMatchObject({ name: 'blob-centernet', gsd_m: 0.3, input_size: [256, 256], layout: 'satcount-centernet', classes: ['car'] });
    expect(d.inputName).toBe('images');
    const dets = await d.detect(blobTile(256, [[50, 100, 16], [120, 30, 16], [200, 200, 12]]), 256, 256);
    const centres = dets.map(centre).sort((a, b) => a[0] - b[0]);
    expect(centres.map(([x, y]) => [Math.round(x), Math.round(y)])).toEqual([
      [58, 108],
      [128, 38],
      [206, 206],
    ]);
    for (const det of dets) {
      expect(det.box[2] - det.box[0]).toBeCloseTo(16, 3);
      expect(det.score).toBeGreaterThan(0.9);
    }
    expect(await d.detect(blobTile(256, [[10, 10, 4]]), 256, 256)).toEqual([]); // too small to be a vehicle
    expect(d.sessionSeconds()).toBeGreaterThan(0);
  });

  test('concurrent detect calls each get their own tile', async () => {
    const d = await load(model('blob-centernet.onnx'));
    const tiles = [20, 60, 100, 140].map((x) => blobTile(256, [[x, 40, 16]]));
    const all = await Promise.all(tiles.map((t) => d.detect(t, 256, 256)));
    expect(all.map((dets) => dets.map((det) => Math.round(centre(det)[0])))).toEqual([[28], [68], [108], [148]]);
  });

  test('a tile of the wrong size is a programming error', async () => {
    const d = await load(model('blob-centernet.onnx'));
    expect(d.info.size_multiple).toBeNull();
    await expect(d.detect(new Uint8Array(128 * 128 * 3), 128, 128)).rejects.toThrow(/takes 256x256/);
  });

  test('a model with a dynamic input detects on any tile whose sides are multiples of 32, in that tile\'s pixels', async () => {
    const d = await load(DEFAULT_MODEL_PATH);
    expect(d.info).toMatchObject({ input_size: [512, 512], size_multiple: 32 });
    // A queue of cars from a fixture: the whole 512² window, then its 384×224 top-left corner.
    const source = await openRaster(join(import.meta.dirname, '..', 'fixtures', 'border-queue.tif'));
    const big = await source.readRgb({ x: 0, y: 120, width: 512, height: 512 }, 512, 512);
    const small = await source.readRgb({ x: 0, y: 120, width: 384, height: 224 }, 384, 224);
    await source.close();
    const all = await d.detect(big.data, 512, 512);
    const part = await d.detect(small.data, 384, 224);
    // Cars well inside the corner (away from its cut edges) are found at the same places in both.
    const inside = (det: { box: number[] }) => det.box[2] < 384 - 32 && det.box[3] < 224 - 32;
    const whole = all.filter(inside).map(centre);
    const cut = part.filter(inside).map(centre);
    expect(whole.length).toBeGreaterThan(10);
    // The model sees ~100 px of context, so a car near the cut may score either side of the threshold.
    const near = (a: number[], list: number[][]) => list.some((b) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 1);
    expect(cut.every((c) => near(c, whole))).toBe(true);
    expect(whole.filter((c) => near(c, cut)).length).toBeGreaterThanOrEqual(whole.length - 1);
    await expect(d.detect(new Uint8Array(100 * 96 * 3), 100, 96)).rejects.toThrow(/multiples of 32/);
  });

  test('YOLOv5 without metadata: defaults, generated class names, NMS drops the shifted duplicate', async () => {
    const d = await load(model('yolov5-plain.onnx'), { gsd_m: 0.5 });
    expect(d.info).toMatchObject({ layout: 'yolov5', gsd_m: 0.5, input_size: [64, 64], classes: ['class_0', 'class_1'], score_threshold: 0.25, nms_iou: 0.45, tile_overlap: 8 });
    const dets = await d.detect(new Uint8Array(64 * 64 * 3), 64, 64);
    expect(dets.map((x) => [x.box, +x.score.toFixed(2), x.classIndex])).toEqual([
      [[15, 15, 25, 25], 0.81, 0],
      [[39, 36, 51, 44], 0.63, 1],
    ]);
  });

  test('YOLOv8 with Ultralytics metadata takes class names and input size from it', async () => {
    const d = await load(model('yolov8-ultralytics.onnx'), { gsd_m: 0.3, score_threshold: 0.1 });
    expect(d.info).toMatchObject({ layout: 'yolov8', classes: ['car', 'truck'], input_size: [64, 64], score_threshold: 0.1 });
    const dets = await d.detect(new Uint8Array(64 * 64 * 3), 64, 64);
    expect(dets.map((x) => [x.box, +x.score.toFixed(2)])).toEqual([
      [[15, 15, 25, 25], 0.81],
      [[39, 36, 51, 44], 0.63],
      [[6, 46, 14, 54], 0.15],
    ]);
  });

  test('YOLO26 with Deepness metadata: GSD, tile overlap, threshold and IoU from it', async () => {
    const d = await load(model('yolo26-deepness.onnx'));
    expect(d.info).toMatchObject({ layout: 'yolo26', gsd_m: 0.3, classes: ['car', 'truck'], tile_overlap: 16, score_threshold: 0.4, nms_iou: 0.5 });
    const dets = await d.detect(new Uint8Array(64 * 64 * 3), 64, 64);
    expect(dets.map((x) => x.classIndex)).toEqual([0, 1]);
  });

  test('YOLOv8-OBB trained on DOTA: vehicles as axis-aligned boxes, planes ignored and unable to hide a vehicle', async () => {
    const d = await load(model('yolov8-obb-dota.onnx'), { gsd_m: 0.3 });
    expect(d.info).toMatchObject({ layout: 'yolov8-obb', vehicle_classes: ['large vehicle', 'small vehicle'] });
    expect(d.info.classes).toHaveLength(15);
    const dets = await d.detect(new Uint8Array(64 * 64 * 3), 64, 64);
    const half = 8 * Math.SQRT2 / 2;
    expect(dets.map((x) => [x.box.map((v) => +v.toFixed(2)), d.info.classes[x.classIndex]])).toEqual([
      [[17, 14, 23, 26], 'small vehicle'],
      [[44 - half, 40 - half, 44 + half, 40 + half].map((v) => +v.toFixed(2)), 'large vehicle'],
    ]);
  });

  test('--vehicle-classes picks which of a multi-class model\'s classes count', async () => {
    const coco = await load(model('yolov8-coco.onnx'), { gsd_m: 0.3 });
    expect(coco.info.vehicle_classes).toEqual(['car', 'bus', 'truck']);
    const names = async (det: Detector) => (await det.detect(new Uint8Array(64 * 64 * 3), 64, 64)).map((x) => det.info.classes[x.classIndex]);
    // The person box overlapping the car scores higher; dropped before suppression, it cannot hide the car.
    expect(await names(coco)).toEqual(['bus', 'car']);
    const trains = await load(model('yolov8-coco.onnx'), { gsd_m: 0.3, vehicle_classes: ['Train', 'car'] });
    expect(await names(trains)).toEqual(['train', 'car']);
    const planes = await load(model('yolov8-obb-dota.onnx'), { gsd_m: 0.3, vehicle_classes: ['plane'] });
    expect((await planes.detect(new Uint8Array(64 * 64 * 3), 64, 64)).map((x) => planes.info.classes[x.classIndex])).toEqual(['plane']);
    const e = await loadModel(model('yolov8-coco.onnx'), { gsd_m: 0.3, vehicle_classes: ['lorry'] }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SatcountError);
    expect((e as SatcountError).message).toBe(`${model('yolov8-coco.onnx')}: --vehicle-classes names lorry, not classes of this model (person, bicycle, car, motorcycle, airplane, bus, train, truck)`);
    expect((e as SatcountError).exitCode).toBe(2);
  });

  test('a model without gsd_m is refused unless one is given', async () => {
    const e = await modelFailure(() => loadModel(model('yolov5-plain.onnx')));
    expect(e.message).toBe(`${model('yolov5-plain.onnx')}: model has no gsd_m in its metadata; pass options.modelOverrides.gsd_m <metres per pixel>`);
  });

  test('an unknown output layout names the shapes it saw', async () => {
    const e = await modelFailure(() => loadModel(model('unknown-layout.onnx')));
    expect(e.message).toMatch(/unknown-layout\.onnx: unknown output layout: outputs heatmap \[1,2,16,16\] \(expected heatmap \[1,C,h,w\].*YOLOv5 \[1,N,5\+nc\]\)$/);
  });

  test('a layout forced on a model whose outputs do not fit it', async () => {
    const e = await modelFailure(() => loadModel(model('yolov5-plain.onnx'), { gsd_m: 0.3, layout: 'yolov8' }));
    expect(e.message).toContain('outputs output0 [1,252,7] do not fit layout yolov8 (expected YOLOv8/11 [1,4+nc,N])');
  });

  test('an input size that contradicts the model is refused', async () => {
    const e = await modelFailure(() => loadModel(model('blob-centernet.onnx'), { input_size: [512, 512] }));
    expect(e.message).toContain("input size 512x512 does not match the model's fixed input 256x256");
  });

  test('files that are not models: random bytes, text, missing, a directory', async () => {
    const junk = join(scratch, 'junk.onnx');
    writeFileSync(junk, Uint8Array.from({ length: 3000 }, (_, i) => (i * 2654435761) >>> 24));
    expect((await modelFailure(() => loadModel(junk))).message).toMatch(/junk\.onnx: not an ONNX model \(/);
    const text = join(scratch, 'readme.onnx');
    writeFileSync(text, 'this is not a model\n');
    expect((await modelFailure(() => loadModel(text))).message).toMatch(/readme\.onnx: not an ONNX model/);
    expect((await modelFailure(() => loadModel(join(scratch, 'absent.onnx')))).message).toMatch(/absent\.onnx: model file not found$/);
    expect((await modelFailure(() => loadModel(scratch))).message).toMatch(/model path is a directory/);
    const empty = join(scratch, 'empty-graph.onnx');
    writeFileSync(empty, Uint8Array.from([0x08, 0x08, 0x3a, 0x00])); // ir_version 8, an empty graph
    expect((await modelFailure(() => loadModel(empty))).message).toMatch(/empty-graph\.onnx: (onnxruntime cannot load the model|model has 0 inputs)/);
  });
});
