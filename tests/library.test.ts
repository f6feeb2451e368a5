import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countVehicles, runBatch, SettingsError, type CountResult } from '../src/index.js';
import { createLogger } from '../src/log.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(new URL('../schema/result.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
const dir = mkdtempSync(join(tmpdir(), 'satcount-lib-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectValid(result: unknown): void {
  const ok = validate(result);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('countVehicles, as the README shows it', () => {
  let result: CountResult;
  beforeAll(async () => {
    result = await countVehicles(join(fixtures, 'border-queue.tif'), {
      road: { path: join(fixtures, 'border-queue.road.geojson'), corridor_m: 15, driveSide: 'right', maxGap_m: 25, queueHead: 'end', profileBin_m: 100 },
      outputs: { out: join(dir, 'r.json'), geojson: join(dir, 'r.geojson'), csv: join(dir, 'r.csv') },
    });
  }, 120_000);

  it('counts the queue within the regression check tolerances (fixtures/check.json)', () => {
    const truth = JSON.parse(readFileSync(join(fixtures, 'border-queue.truth.json'), 'utf8'));
    expect(truth).toBeTruthy();
    expect(Math.abs(result.counts.total - 204)).toBeLessThanOrEqual(20.4);
    expect(Math.abs(result.counts.by_direction!.forward - 197)).toBeLessThanOrEqual(19.7);
    const forward = result.queues.find((q) => q.direction === 'forward')!;
    expect(Math.abs(forward.length_m - 944.8)).toBeLessThanOrEqual(0.08 * 944.8);
  });

  it('writes the requested outputs, and the result file is the returned result', () => {
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toEqual(result);
    const gj = JSON.parse(readFileSync(join(dir, 'r.geojson'), 'utf8'));
    expect(gj.features.filter((f: { properties: { kind: string } }) => f.properties.kind === 'vehicle')).toHaveLength(result.counts.total);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').trim().split('\n')).toHaveLength(result.counts.total + 1);
  });

  it('returns a result the published schema accepts', () => {
    expectValid(result);
    expectValid(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')));
  });

  it('refuses a bad setting before any work, naming the option as the library spells it', async () => {
    const e = await countVehicles(join(fixtures, 'hidden.tif'), { overlap: 5000, outputs: { out: join(dir, 'never.json') } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SettingsError);
    expect((e as SettingsError).option).toBe('overlap');
    expect((e as SettingsError).message).toMatch(/^options\.overlap 5000: must be ≥ 0 and under half/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });
});

describe('runBatch in process', () => {
  const outDir = join(dir, 'batch');
  const logger = createLogger('silent');
  const options = {
    inputs: [join(fixtures, 'hidden.tif'), join(fixtures, 'curved-road.tif')],
    outDir,
    concurrency: 1,
    run: { road: { path: join(fixtures, 'hidden.road.geojson'), corridor_m: 15, driveSide: 'right' as const, maxGap_m: 25, queueHead: 'end' as const, profileBin_m: 100 } },
    outputs: { geojson: true, csv: true },
    logger,
  };

  it('writes one schema-valid result per image, an error row for the image the road misses, and skips done images on a rerun', async () => {
    const first = await runBatch(options);
    expect(first).toMatchObject({ images: 2, ok: 1, failed: 1, skipped: 0 });
    const failed = first.rows.find((r) => r.status === 'failed')!;
    expect(failed.error).toMatch(/does not cross image .*curved-road\.tif/);
    const result = JSON.parse(readFileSync(join(outDir, 'hidden.json'), 'utf8'));
    expectValid(result);
    expect(result.batch.key).toMatch(/^[0-9a-f]{32}$/);
    expect(existsSync(join(outDir, 'hidden.geojson'))).toBe(true);
    expect(existsSync(join(outDir, 'hidden.csv'))).toBe(true);
    expect(existsSync(join(outDir, 'hidden.overlay.png'))).toBe(false);

    const second = await runBatch(options);
    expect(second.rows.find((r) => r.image.endsWith('hidden.tif'))!.status).toBe('skipped');
    // Asking for an output the earlier run did not write makes the image out of date.
    const third = await runBatch({ ...options, outputs: { ...options.outputs, overlay: true } });
    expect(third.rows.find((r) => r.image.endsWith('hidden.tif'))!.status).toBe('ok');
    expect(existsSync(join(outDir, 'hidden.overlay.png'))).toBe(true);
  }, 300_000);
});
