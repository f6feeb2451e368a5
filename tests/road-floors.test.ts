import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, satcount } from './helpers/cli.js';

interface TruthVehicle { center_px: [number, number]; direction: string; hidden: boolean }
interface Detection { center_px: [number, number]; road: { direction: string } | null }

const fixtures: [name: string, flags: string[]][] = [
  ['border-queue', []],
  ['curved-road', []],
  ['left-hand', ['--drive-side', 'left', '--queue-head', 'start']],
  ['rgbn16', []],
  ['hidden', []],
];

describe('road analysis floors on the synth fixtures with the shipped model', () => {
  it.each(fixtures)('%s: at least 99 percent of detected road vehicles are on the correct side', async (name, flags) => {
    const truth = JSON.parse(readFileSync(join(ROOT, 'fixtures', `${name}.truth.json`), 'utf8')) as { image: { gsd_m?: number }; vehicles: TruthVehicle[] };
    const r = await satcount(['count', join(ROOT, 'fixtures', `${name}.tif`), '--road', join(ROOT, 'fixtures', `${name}.road.geojson`), ...flags, '--json'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { image: { gsd_m: number }; detections: Detection[] };
    const within = 2 / result.image.gsd_m; // 2 m
    let matched = 0;
    let correct = 0;
    for (const d of result.detections) {
      if (!d.road) continue;
      let best: TruthVehicle | null = null;
      let bestDist = within;
      for (const t of truth.vehicles) {
        const dist = Math.hypot(t.center_px[0] - d.center_px[0], t.center_px[1] - d.center_px[1]);
        if (dist < bestDist) [best, bestDist] = [t, dist];
      }
      if (!best) continue;
      matched++;
      if (best.direction === d.road.direction) correct++;
    }
    expect(matched).toBeGreaterThan(0.5 * truth.vehicles.filter((v) => !v.hidden).length);
    expect(correct / matched).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
