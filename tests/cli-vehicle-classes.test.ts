import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { satcount } from './helpers/cli.js';
import { writeSquaresPng } from './helpers/scenes.js';

// yolov8-coco.onnx returns the same candidates on every 64 px tile: a car under a higher-scored
// person box, a bus, and a train (training/make_test_models.py).
const COCO = new URL('./models/yolov8-coco.onnx', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'satcount-vc-'));
const image = join(dir, 'one-tile.png');

beforeAll(async () => {
  await writeSquaresPng(image, 64, 64, []);
});

describe('count --vehicle-classes', () => {
  it('counts the classes named like vehicles by default and logs the ones it ignores', async () => {
    const r = await satcount(['count', image, '--model', COCO, '--model-gsd', '0.3', '--gsd', '0.3', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts.by_class).toEqual({ bus: 1, car: 1 });
    expect(r.stderr).toContain("ignoring the model's other classes: person, bicycle, motorcycle, airplane, train");
  });

  it('counts the classes asked for, and refuses a class the model lacks with exit 2', async () => {
    const r = await satcount(['count', image, '--model', COCO, '--model-gsd', '0.3', '--gsd', '0.3', '--vehicle-classes', 'train', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts.by_class).toEqual({ train: 1 });
    const bad = await satcount(['count', image, '--model', COCO, '--model-gsd', '0.3', '--gsd', '0.3', '--vehicle-classes', 'lorry']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(`satcount: ${COCO}: --vehicle-classes names lorry, not classes of this model (person, bicycle, car, motorcycle, airplane, bus, train, truck)`);
  });
});
