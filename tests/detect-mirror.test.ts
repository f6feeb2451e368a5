import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { averageMirrored, mirrorInput } from '../src/detect/mirror.js';
import { satcount } from './helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/border-queue.tif', import.meta.url));
const YOLO = fileURLToPath(new URL('./models/yolov8-coco.onnx', import.meta.url));

describe('test-time mirror averaging, pure', () => {
  it('mirrors each row of every channel left to right', () => {
    // [1, 2, 2, 3]: two channels of two rows of three.
    const input = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const out = mirrorInput(input, [1, 2, 2, 3], new Float32Array(12));
    expect([...out]).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  });

  it('keeps a peak the mirrored tile also shows and halves one it does not', () => {
    // Cell 0 is seen both ways round (the mirror shows it in the last cell); cell 1 only in the tile itself.
    const tile = { name: 'heatmap', dims: [1, 1, 1, 4], data: Float32Array.from([0.8, 0.6, 0, 0]) };
    const mirrored = { name: 'heatmap', dims: [1, 1, 1, 4], data: Float32Array.from([0, 0, 0, 0.6]) };
    averageMirrored(tile, mirrored);
    expect([...tile.data].map((v) => Number(v.toFixed(3)))).toEqual([0.7, 0.3, 0, 0]);
  });

  it('refuses grids of different shapes', () => {
    const a = { name: 'wh', dims: [1, 2, 1, 4], data: new Float32Array(8) };
    expect(() => averageMirrored(a, { name: 'wh', dims: [1, 2, 2, 2], data: new Float32Array(8) })).toThrow(RangeError);
  });
});

describe('count --tta', () => {
  it('is on for the shipped model, --no-tta turns it off, and both count about the same on the fixture', async () => {
    const two = await satcount(['count', FIXTURE, '--json']);
    const one = await satcount(['count', FIXTURE, '--no-tta', '--json']);
    expect(two.code).toBe(0);
    const [a, b] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
    expect(a.params.tta).toBe(false);
    expect(b.params.tta).toBe(true);
    // 204 vehicles in truth; the averaged pass must still find them, not a fraction of them.
    expect(Math.abs(b.counts.total - a.counts.total)).toBeLessThanOrEqual(0.1 * a.counts.total);
    expect(b.counts.total).toBeGreaterThanOrEqual(184);
  });

  it('refuses a model without a dense score grid, in one line with exit 2', async () => {
    const r = await satcount(['count', FIXTURE, '--tta', '--model', YOLO, '--model-gsd', '0.3']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`satcount: ${YOLO}: --tta needs a satcount-centernet model (a dense score grid to average); this one is yolov8`);
  });
});
