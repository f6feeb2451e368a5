import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/detect/model.js';
import { countEstimate, qualityAtGsd } from '../src/road/index.js';
import { detectScene, planSceneTiles } from '../src/pipeline/count.js';
import { memorySource } from '../src/raster/sources/memory.js';
import { DEFAULT_MODEL_PATH } from '../src/pipeline/model-path.js';
import { analyseRoad, corridorTiles, prepareRoad, ROAD_DEFAULTS } from '../src/pipeline/road.js';
import { VisibilityGrid } from '../src/pipeline/visibility.js';
import { renderScene } from '../src/synth/scene.js';
import type { QualityEntry } from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-intervals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The shipped model's (4.3.0) precision and recall on synth roads at 0.3 m, measured by
 * `npm run bench -- --seed-scale` on its calibration scene (seed 9103, 3 km, 630 vehicles; other seeds than here):
 * the figures training writes to the metadata's `quality` for real validation sets.
 */
const SYNTH_QUALITY: QualityEntry[] = [{ gsd_m: 0.3, class: 'vehicle', precision: 0.989, recall: 0.963, n_truth: 630, set: 'synth calibration seed 9103' }];

describe('intervals on synth scenes', () => {
  it('cover the true queue and visible count at about the stated 95 %', async () => {
    const detector = await loadModel(DEFAULT_MODEL_PATH);
    const quality = qualityAtGsd(SYNTH_QUALITY, 0.3)!;
    let covered = 0;
    let intervals = 0;
    const misses: string[] = [];
    try {
      for (const seed of [301, 302, 303, 304, 305]) {
        const scene = await renderScene({ seed, width: 1400, height: 320, queueLength: 350, hidden: 0.12, otherDirection: 'empty' });
        const { raster, truth } = scene;
        const n = raster.width * raster.height;
        const valid = new Uint8Array(n);
        for (let i = 0; i < n; i++) valid[i] = raster.data[i * 3] + raster.data[i * 3 + 1] + raster.data[i * 3 + 2] > 0 ? 1 : 0;
        const source = memorySource(`synth-${seed}`, { width: raster.width, height: raster.height, data: raster.data as Uint8Array, valid }, 0.3);
        const road = join(dir, `road-${seed}.geojson`);
        writeFileSync(road, JSON.stringify({ type: 'LineString', coordinates: truth.road.pixel }));
        const ctx = await prepareRoad({ ...ROAD_DEFAULTS, path: road, crs: 'pixel' }, source, 0.3);
        const visibility = VisibilityGrid.forImage(raster.width, raster.height, 0.3);
        const run = await detectScene(source, detector, 0.3, corridorTiles(ctx, planSceneTiles(source, detector, 0.3, detector.info.tile_overlap, detector.info.input_size)), { visibility });
        const analysis = analyseRoad(ctx, run.detections, visibility, quality);
        const tq = truth.queues.find((q) => q.jammed)!;
        const q = analysis.queues.findIndex((x) => x.direction === tq.direction);
        const checks: [string, [number, number] | undefined, number][] = [
          ['queue', q >= 0 ? analysis.estimates[q]?.interval : undefined, tq.vehicles],
          ['visible', countEstimate(analysis.placed - analysis.verge.length, quality).interval, truth.counts.visible],
        ];
        for (const [what, interval, value] of checks) {
          intervals++;
          if (interval && interval[0] <= value && value <= interval[1]) covered++;
          else misses.push(`seed ${seed} ${what}: ${value} outside ${interval?.join('–')}`);
        }
      }
    } finally {
      await detector.close();
    }
    // 10 intervals at 95 %: at most 2 misses (a 1.4 % chance with honest intervals).
    expect(misses.length, misses.join('; ')).toBeLessThanOrEqual(2);
    expect(covered).toBe(intervals - misses.length);
  }, 120_000);
});
