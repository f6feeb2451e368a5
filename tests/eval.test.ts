import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classFilter,
  degradeToGsd,
  estimateGsdFromLabels,
  evaluate,
  formatTable,
  matchDetections,
  matchesCsv,
  type MatchRecord,
  openLabels,
  scores,
  summarize,
  type ImageRow,
  type LabelBox,
  type ScoredBox,
} from '../src/eval/index.js';
import { SatcountError, type PixelBox, type RgbImage } from '../src/types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'satcount-eval-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const d = join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(d, { recursive: true }));
  for (const [f, text] of Object.entries(files)) await writeFile(join(d, f), text);
  return d;
}

const vehicles = classFilter(undefined, null);
const label = (box: PixelBox, className = 'car'): LabelBox => ({ box, className });
const det = (box: PixelBox, score: number): ScoredBox => ({ box, score });

describe('label readers', () => {
  it('reads YOLO boxes in pixels, naming classes from classes.names, format detected', async () => {
    const d = await folder('yolo', {
      'classes.names': 'car\ntruck\nbus\nminibus\ncyclist\n',
      'a.txt': '0 0.5 0.5 0.1 0.2\n4 0.25 0.25 0.05 0.05\n',
    });
    const source = await openLabels(d);
    expect(source.format).toBe('yolo');
    const { boxes, file } = await source.forImage({ path: '/elsewhere/a.png', width: 200, height: 100 });
    expect(file).toBe(join(d, 'a.txt'));
    expect(boxes[0].className).toBe('car');
    expect(boxes[0].box.map((v) => +v.toFixed(6))).toEqual([90, 40, 110, 60]);
    expect(boxes[1].className).toBe('cyclist');
    const none = await source.forImage({ path: 'b.png', width: 200, height: 100 });
    expect(none).toEqual({ boxes: [], gsd_m: null, file: null });
  });

  it('rejects a malformed YOLO line, naming the file and line', async () => {
    const d = await folder('yolo-bad', { 'a.txt': '0 0.5 0.5 0.1 0.2\n0 0.5 oops 0.1 0.2\n' });
    const source = await openLabels(d, 'yolo');
    await expect(source.forImage({ path: 'a.png', width: 10, height: 10 })).rejects.toThrow(/a\.txt line 2/);
  });

  it('reads DOTA quads as their bounding boxes, with gsd header and difficult flag', async () => {
    const d = await folder('dota', {
      'p1.txt': 'imagesource:GoogleEarth\ngsd:0.146\n10 20 30 18 32 28 12 30 small-vehicle 0\n50 50 60 50 60 55 50 55 large-vehicle 1\n',
    });
    const source = await openLabels(d);
    expect(source.format).toBe('dota');
    const { boxes, gsd_m } = await source.forImage({ path: 'p1.png', width: 100, height: 100 });
    expect(gsd_m).toBe(0.146);
    expect(boxes).toEqual([
      { box: [10, 18, 32, 30], className: 'small-vehicle', difficult: false },
      { box: [50, 50, 60, 55], className: 'large-vehicle', difficult: true },
    ]);
  });

  it('reads a COCO file in a folder, matching images by file name', async () => {
    const coco = {
      images: [
        { id: 1, file_name: 'scenes/x.jpg', width: 100, height: 100 },
        { id: 2, file_name: 'y.jpg', width: 100, height: 100 },
      ],
      annotations: [
        { image_id: 1, category_id: 3, bbox: [10, 20, 5, 8] },
        { image_id: 2, category_id: 7, bbox: [0, 0, 4, 4], iscrowd: 1 },
      ],
      categories: [
        { id: 3, name: 'car' },
        { id: 7, name: 'truck' },
      ],
    };
    const d = await folder('coco', { 'instances.json': JSON.stringify(coco) });
    const source = await openLabels(d);
    expect(source.format).toBe('coco');
    expect((await source.forImage({ path: '/data/x.jpg', width: 100, height: 100 })).boxes).toEqual([
      { box: [10, 20, 15, 28], className: 'car', difficult: false },
    ]);
    expect((await source.forImage({ path: 'y.tif', width: 100, height: 100 })).boxes[0].difficult).toBe(true);
    await expect(source.forImage({ path: 'z.jpg', width: 100, height: 100 })).rejects.toThrow(/no entry in "images" for z\.jpg/);
  });

  it('reads GeoJSON points as nominal car squares and polygons as boxes, through toPixel', async () => {
    const gj = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { class: 'car' }, geometry: { type: 'Point', coordinates: [1020, 2040] } },
        {
          type: 'Feature',
          properties: { class: 'truck' },
          geometry: { type: 'Polygon', coordinates: [[[1050, 2050], [1060, 2050], [1060, 2054], [1050, 2054], [1050, 2050]]] },
        },
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [5000, 5000] } },
      ],
    };
    const file = join(await folder('geojson', {}), 'vehicles.geojson');
    await writeFile(file, JSON.stringify(gj));
    const source = await openLabels(file);
    expect(source.format).toBe('geojson');
    // 1 CRS unit = 1 pixel, offset by (1000, 2000); 0.5 m/px makes a 4.5 m point 9 px wide.
    const toPixel = ([x, y]: [number, number]): [number, number] => [x - 1000, y - 2000];
    const { boxes } = await source.forImage({ path: 'tile.tif', width: 100, height: 100, gsd_m: 0.5, toPixel });
    expect(boxes).toEqual([
      { box: [15.5, 35.5, 24.5, 44.5], className: 'car' },
      { box: [50, 50, 60, 54], className: 'truck' },
    ]);
    await expect(source.forImage({ path: 'plain.png', width: 100, height: 100 })).rejects.toThrow(/georeferenced/);
  });

  it('says which labels path is missing', async () => {
    await expect(openLabels(join(dir, 'nope'))).rejects.toThrow(SatcountError);
  });
});

describe('--classes', () => {
  const kitNames = ['car', 'truck', 'bus', 'minibus', 'cyclist'];

  it('by default counts car, truck, bus and minibus of the KIT/Minsk names, not cyclist', () => {
    const f = classFilter(undefined, kitNames);
    expect(kitNames.map((c) => f.isVehicle(c))).toEqual([true, true, true, true, false]);
    expect(f.isVehicle('small-vehicle')).toBe(true);
    expect(f.isVehicle('plane')).toBe(false);
  });

  it('takes names with "=vehicle", or YOLO indices through classes.names', () => {
    const named = classFilter('car,truck=vehicle', kitNames);
    expect(['car', 'truck', 'bus'].map((c) => named.isVehicle(c))).toEqual([true, true, false]);
    const byIndex = classFilter('0,2', kitNames);
    expect(['car', 'truck', 'bus'].map((c) => byIndex.isVehicle(c))).toEqual([true, false, true]);
    expect(byIndex.describe).toBe('car, bus');
    expect(classFilter('1', null).isVehicle('1')).toBe(true);
  });

  it('rejects a class the labels do not have, and a mapping to something else', () => {
    expect(() => classFilter('car,lorry', kitNames)).toThrow(/"lorry" is not a label class/);
    expect(() => classFilter('7', kitNames)).toThrow(/index 7/);
    expect(() => classFilter('car=person', kitNames)).toThrow(SatcountError);
  });

  it('ignores detections on non-vehicle labels: neither TP nor FP', () => {
    const m = matchDetections([label([0, 0, 10, 10], 'cyclist')], [det([0, 0, 10, 10], 0.9)], 0.3, classFilter(undefined, kitNames));
    expect(m).toMatchObject({ tp: 0, fp: 0, fn: 0, ignored: 1, counted: [false] });
  });
});

describe('matchDetections', () => {
  it('matches one-to-one: two detections on one vehicle are 1 TP and 1 FP', () => {
    const m = matchDetections([label([0, 0, 10, 10])], [det([0, 0, 10, 10], 0.9), det([1, 0, 11, 10], 0.8)], 0.3, vehicles);
    expect(m).toMatchObject({ tp: 1, fp: 1, fn: 0, matchedLabel: [0, null] });
  });

  it('lets the higher-scoring detection claim a contested label first', () => {
    const labels = [label([0, 0, 10, 10]), label([9, 0, 19, 10])];
    // The weaker detection overlaps label 0 best; the stronger takes label 0 first anyway.
    const m = matchDetections(labels, [det([1, 0, 11, 10], 0.5), det([3, 0, 13, 10], 0.9)], 0.3, vehicles);
    expect(m.matchedLabel).toEqual([null, 0]);
    expect(m).toMatchObject({ tp: 1, fp: 1, fn: 1 });
  });

  it('needs IoU at the threshold', () => {
    // Overlap 5x10 over union 15x10: IoU 1/3.
    const pair = [[label([0, 0, 10, 10])], [det([5, 0, 15, 10], 1)]] as const;
    expect(matchDetections(...pair, 0.3, vehicles).tp).toBe(1);
    expect(matchDetections(...pair, 0.34, vehicles).tp).toBe(0);
  });

  it('counts a missed vehicle as FN and a stray detection as FP', () => {
    const m = matchDetections([label([0, 0, 10, 10])], [det([50, 50, 60, 60], 0.9)], 0.3, vehicles);
    expect(m).toMatchObject({ tp: 0, fp: 1, fn: 1, ignored: 0 });
  });
});

describe('scores and summarize', () => {
  it('computes precision, recall and F1', () => {
    const s = scores({ tp: 6, fp: 2, fn: 4 });
    expect(s.precision).toBeCloseTo(0.75);
    expect(s.recall).toBeCloseTo(0.6);
    expect(s.f1).toBeCloseTo((2 * 0.75 * 0.6) / 1.35);
    expect(scores({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: null, recall: null, f1: null });
    expect(scores({ tp: 0, fp: 0, fn: 3 })).toEqual({ precision: null, recall: 0, f1: 0 });
  });

  it('micro-averages over images and takes MAE of the count errors', () => {
    const row = (tp: number, fp: number, fn: number, count_error_pct: number | null): ImageRow => ({
      image: 'x', gt: tp + fn, detected: tp + fp, tp, fp, fn, ignored: 0,
      ...scores({ tp, fp, fn }), count_error: fp - fn, count_error_pct, gsd_m: 0.3, gsd_source: 'option',
      area_km2: 0.25, fp_per_km2: fp / 0.25,
    });
    const t = summarize([row(9, 1, 0, 10), row(1, 0, 3, -75)], { iou: 0.3, simulate_gsd: 0.3, classes: 'car' });
    expect(t).toMatchObject({ tp: 10, fp: 1, fn: 3, gt: 13, detected: 11, mae: 2, max_abs_count_error_pct: 75, matching: 'greedy-by-score' });
    expect(t.area_km2).toBeCloseTo(0.5);
    expect(t.fp_per_km2).toBeCloseTo(2);
    expect(t.f1).toBeCloseTo(20 / 24);
  });
});

describe('estimateGsdFromLabels', () => {
  it('takes car length over the median long side of car boxes', () => {
    const boxes = [label([0, 0, 30, 12]), label([0, 0, 12, 36]), label([0, 0, 40, 15]), label([0, 0, 100, 30], 'truck')];
    expect(estimateGsdFromLabels(boxes)).toBeCloseTo(4.5 / 36);
    expect(estimateGsdFromLabels([])).toBeNull();
  });
});

function testImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7) * 11) & 255;
  return { width, height, data, valid: null };
}

describe('degradeToGsd', () => {
  it('shrinks by srcGsd / dstGsd and gives the same bytes for the same seed', async () => {
    const src = testImage(200, 120);
    const a = await degradeToGsd(src, 0.12, 0.3, 7);
    expect(a.scale).toBeCloseTo(0.4);
    expect([a.image.width, a.image.height]).toEqual([80, 48]);
    expect(a.image.data.length).toBe(80 * 48 * 3);
    const b = await degradeToGsd(src, 0.12, 0.3, 7);
    expect(Buffer.from(b.image.data).equals(Buffer.from(a.image.data))).toBe(true);
    const c = await degradeToGsd(src, 0.12, 0.3, 8);
    expect(Buffer.from(c.image.data).equals(Buffer.from(a.image.data))).toBe(false);
  });

  it('refuses to make an image finer', async () => {
    await expect(degradeToGsd(testImage(10, 10), 0.5, 0.3, 0)).rejects.toThrow(/can only coarsen/);
  });
});

describe('evaluate', () => {
  it('scores a detector on a labelled image, degrading it and its labels with --simulate-gsd', async () => {
    const path = join(dir, 'scene.png');
    const { width, height, data } = testImage(300, 200);
    await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(path);
    // Cars 36 px long at an unknown pixel size: judged 0.125 m/px.
    const labels = { boxes: [label([10, 10, 46, 25]), label([100, 100, 115, 136]), label([200, 50, 236, 65]), label([5, 150, 20, 170], 'cyclist')], gsd_m: null };
    const calls: { w: number; h: number; gsd: number }[] = [];
    const logs: string[] = [];
    // A detector that finds the first two cars (at the size it was handed), and one false alarm.
    const detect = async (img: RgbImage, gsd: number) => {
      calls.push({ w: img.width, h: img.height, gsd });
      const s = img.width / 300;
      return [
        det(labels.boxes[0].box.map((v) => v * s) as PixelBox, 0.9),
        det(labels.boxes[1].box.map((v) => v * s) as PixelBox, 0.8),
        det([250 * s, 150 * s, 280 * s, 160 * s], 0.5),
      ];
    };
    const report = await evaluate([{ path, labels }], { classes: vehicles, simulateGsd: 0.25, log: (m) => logs.push(m) }, detect);
    expect(calls).toEqual([{ w: 150, h: 100, gsd: 0.25 }]);
    expect(logs[0]).toMatch(/0\.1250 m per pixel, judged from labelled car sizes/);
    expect(report.images[0]).toMatchObject({ gt: 3, detected: 3, tp: 2, fp: 1, fn: 1, count_error: 0, count_error_pct: 0, gsd_source: 'estimated' });
    expect(report.totals).toMatchObject({ f1: 2 / 3, mae: 0, iou: 0.3, simulate_gsd: 0.25, matching: 'greedy-by-score' });
    const table = formatTable(report);
    expect(table).toMatch(/scene\.png\s+3\s+3\s+2\s+1\s+1\s+0\.667\s+0\.667\s+0\.667/);
    expect(table).toMatch(/IoU ≥ 0\.3/);
  });

  it('needs a pixel size when neither image, labels nor option give one and nothing is labelled', async () => {
    const path = join(dir, 'empty.png');
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toFile(path);
    await expect(evaluate([{ path, labels: { boxes: [], gsd_m: null } }], { classes: vehicles }, async () => [])).rejects.toThrow(/give options.gsd/);
    const report = await evaluate([{ path, labels: { boxes: [], gsd_m: null } }], { classes: vehicles, gsd: 0.3 }, async () => []);
    expect(report.images[0]).toMatchObject({ gt: 0, detected: 0, f1: null, count_error_pct: null, gsd_source: 'option' });
  });

  it('reports false alarms per km² of ground, as on vehicle-free imagery', async () => {
    const path = join(dir, 'field.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#4a6' } }).png().toFile(path);
    // 200 × 100 px at 0.5 m is 0.005 km²; two detections where nothing is labelled.
    const detect = async () => [det([10, 10, 20, 15], 0.9), det([50, 50, 60, 55], 0.6)];
    const report = await evaluate([{ path, labels: { boxes: [], gsd_m: null } }], { classes: vehicles, gsd: 0.5 }, detect);
    expect(report.images[0].fp).toBe(2);
    expect(report.images[0].area_km2).toBeCloseTo(0.005);
    expect(report.totals.fp_per_km2).toBeCloseTo(400);
    expect(formatTable(report)).toMatch(/field\.png\s+0\s+2\s+0\s+2\s+0\s+0\.000\s+-\s+0\.000\s+\+2\s+-\s+400\s+0\.500/);
  });

  it('treats hand labels marked doubtful as do-not-care: no TP, FP or miss from them, and says so', async () => {
    const path = join(dir, 'lot.png');
    await sharp({ create: { width: 100, height: 100, channels: 3, background: '#333' } }).png().toFile(path);
    // training/labels/ layout: one COCO file per image, "doubtful": true on what the labeller could not decide.
    const coco = {
      images: [{ id: 1, file_name: 'lot.png', width: 100, height: 100 }],
      categories: [{ id: 1, name: 'car' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 15, 7], iscrowd: 0, doubtful: false },
        { id: 2, image_id: 1, category_id: 1, bbox: [40, 10, 15, 7], iscrowd: 0, doubtful: true },
        { id: 3, image_id: 1, category_id: 1, bbox: [70, 10, 15, 7], iscrowd: 0, doubtful: true },
      ],
    };
    const source = await openLabels(await folder('doubtful', { 'lot.json': JSON.stringify(coco) }));
    const labels = await source.forImage({ path, width: 100, height: 100 });
    // Found: the sure car and the first doubtful one; the second doubtful one is not found.
    const detect = async () => [det([10, 10, 25, 17], 0.9), det([40, 10, 55, 17], 0.6)];
    const report = await evaluate([{ path, labels }], { classes: vehicles, gsd: 0.3 }, detect);
    expect(report.images[0]).toMatchObject({ gt: 1, detected: 1, tp: 1, fp: 0, fn: 0, ignored: 1, f1: 1 });
    expect(formatTable(report)).toMatch(/1 detections on ignored labels not counted/);
  });
});

describe('eval --matches records', () => {
  it('gives each detection its outcome and each missed vehicle its label, in the file\'s pixels after --simulate-gsd', async () => {
    const path = join(dir, 'matches.png');
    await sharp({ create: { width: 200, height: 100, channels: 3, background: '#444' } }).png().toFile(path);
    // At 0.15 m, degraded to 0.3 m: the detector sees a 100 × 50 image, half the file's pixels.
    const labels = {
      boxes: [label([20, 20, 50, 34]), label([100, 20, 130, 34]), { ...label([160, 60, 190, 74]), difficult: true }, label([20, 70, 50, 84], 'cyclist')],
      gsd_m: null,
    };
    const half = (b: PixelBox) => b.map((v) => v / 2) as PixelBox;
    const detect = async () => [det(half([100, 20, 130, 34]), 0.5), det(half([22, 20, 52, 34]), 0.9), det(half([160, 60, 190, 74]), 0.4), det(half([60, 80, 80, 90]), 0.3)];
    const records: MatchRecord[] = [];
    await evaluate([{ path, labels }], { classes: vehicles, gsd: 0.15, simulateGsd: 0.3, onMatches: (r) => records.push(...r) }, detect);
    expect(records.map((r) => [r.outcome, r.score, r.label_class])).toEqual([
      ['tp', 0.9, 'car'],
      ['tp', 0.5, 'car'],
      ['ignored', 0.4, null],
      ['fp', 0.3, null],
    ]);
    expect(records[0].box_px.map((v) => Math.round(v))).toEqual([22, 20, 52, 34]);
    expect(records[0].iou).toBeCloseTo(28 / 32, 2);
    expect(records[3].box_px.map((v) => Math.round(v))).toEqual([60, 80, 80, 90]);

    // A detector that finds nothing: the two sure cars are misses; the doubtful car and the cyclist are not.
    const missed: MatchRecord[] = [];
    await evaluate([{ path, labels }], { classes: vehicles, gsd: 0.15, onMatches: (r) => missed.push(...r) }, async () => []);
    expect(missed.map((r) => [r.outcome, r.box_px])).toEqual([['fn', [20, 20, 50, 34]], ['fn', [100, 20, 130, 34]]]);
    expect(matchesCsv(missed).split('\n')).toEqual([
      'image,outcome,score,label_class,iou,x1,y1,x2,y2',
      `${path},fn,,car,,20,20,50,34`,
      `${path},fn,,car,,100,20,130,34`,
      '',
    ]);
  });
});

const kit = join(import.meta.dirname, '../../shared/data/kit-ais');
describe.skipIf(!existsSync(kit))('on the KIT AIS labels (../shared/data; skipped when absent)', () => {
  it('reads them as YOLO with car/truck/bus/minibus as vehicles and judges ~0.13 m/px', async () => {
    const source = await openLabels(kit);
    expect(source.format).toBe('yolo');
    const meta = await sharp(join(kit, 'MOS155.png')).metadata();
    const { boxes } = await source.forImage({ path: join(kit, 'MOS155.png'), width: meta.width, height: meta.height });
    expect(boxes.length).toBeGreaterThan(40);
    expect(estimateGsdFromLabels(boxes)).toBeGreaterThan(0.12);
    expect(estimateGsdFromLabels(boxes)).toBeLessThan(0.15);
    expect(classFilter(undefined, source.classNames).describe).toMatch(/car, truck, bus, minibus/);
  });
});
