import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../src/detect/model.js';
import { runFuzz } from '../src/fuzz/campaign.js';
import { buildSeeds, type Seeds } from '../src/fuzz/seeds.js';
import { formatTally } from '../src/fuzz/tally.js';
import { Bytes, parseTiffLayout, TAG, TYPE_SIZE } from '../src/fuzz/tiff-layout.js';
import { openRaster } from '../src/raster/open.js';
import { parseRoad } from '../src/road/load.js';
import { SatcountError } from '../src/types.js';
import { ROOT } from './helpers/cli.js';
import { inflateBomb, writeCase } from './helpers/fuzz-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-fuzz-test-'));
let seeds: Seeds;

beforeAll(async () => {
  seeds = await buildSeeds({ root: ROOT, dir: join(dir, 'seeds') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The seed's bytes with its first IFD's entries editable in place. */
function editable(name: string) {
  const bytes = seeds.tiffs.find((s) => s.name === name)!.bytes.slice();
  const layout = parseTiffLayout(bytes);
  return { bytes, layout, b: new Bytes(bytes, layout.littleEndian), entry: (tag: number) => layout.ifds[0].entries.find((e) => e.tag === tag)! };
}

async function refusal(p: Promise<unknown>): Promise<SatcountError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SatcountError);
  return err as SatcountError;
}

describe('malformed inputs end with one clear line', () => {
  it('refuses a TIFF whose directory chain loops back on itself instead of spinning', async () => {
    const { bytes, layout, b } = editable('rgb-tiled-ovr.tif');
    const last = layout.ifds[layout.ifds.length - 1];
    b.put(last.nextPos, 4, layout.ifds[0].offset);
    const err = await refusal(openRaster(writeCase(dir, 'cycle.tif', bytes)));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/cycle\.tif: .*loops back/);
  });

  it('refuses a 10 KB TIFF claiming 1,000,000 × 1,000,000 pixels at once', async () => {
    const { bytes, b, entry } = editable('rgb-tiled-ovr.tif');
    for (const tag of [TAG.width, TAG.height]) b.put(entry(tag).pos + 8, 4, 1e6);
    const t0 = performance.now();
    const err = await refusal(openRaster(writeCase(dir, 'huge.tif', bytes), { gsd: 0.3 }));
    expect(err.message).toMatch(/1000000×1000000 pixels/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('stops a decompression bomb at the tile size the file declares', async () => {
    const { bytes, b, entry } = editable('rgb-tiled-ovr.tif');
    const bomb = inflateBomb();
    const file = new Uint8Array(bytes.length + bomb.length);
    file.set(bytes);
    file.set(bomb, bytes.length);
    const fb = new Bytes(file, b.littleEndian);
    fb.put(entry(TAG.tileOffsets).dataPos, TYPE_SIZE[entry(TAG.tileOffsets).type], bytes.length);
    fb.put(entry(TAG.tileByteCounts).dataPos, TYPE_SIZE[entry(TAG.tileByteCounts).type], bomb.length);
    const src = await openRaster(writeCase(dir, 'bomb.tif', file));
    try {
      const err = await refusal(src.readRgb({ x: 0, y: 0, width: 32, height: 32 }, 32, 32));
      expect(err.message).toMatch(/bomb\.tif: .*inflates past its declared 3072 bytes/);
    } finally {
      await src.close();
    }
  });

  it('refuses a tag whose count claims more values than the file holds', async () => {
    const { bytes, b, entry } = editable('grey-strips-raw.tif');
    b.put(entry(TAG.geoKeys).pos + 4, 4, 0x3b000010);
    const err = await refusal(openRaster(writeCase(dir, 'count.tif', bytes)));
    expect(err.message).toMatch(/tag 34735 claims .* more than the file holds/);
  });

  it('refuses a model whose input is not [1,3,H,W] with exit 3', async () => {
    const err = await refusal(loadModel(join(ROOT, 'tests', 'models', 'wrong-rank.onnx')));
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/wrong-rank\.onnx: model input images is \[1,3,64\]; expected \[1,3,height,width\]/);
  });

  it('refuses a model input size it cannot allocate with exit 3', async () => {
    const err = await refusal(loadModel(join(ROOT, 'tests', 'models', 'dynamic-input.onnx'), { input_size: [100000, 100000] }));
    expect(err.exitCode).toBe(3);
    expect(err.message).toMatch(/dynamic-input\.onnx: input size 100000x100000 is beyond 8192 pixels a side/);
  });

  it('refuses road GeoJSON nested too deep to walk, in one line', () => {
    const deep = `{"type":"LineString","coordinates":[[0,0],${'['.repeat(100000)}${']'.repeat(100000)}]}`;
    expect(() => parseRoad(deep, 'deep.geojson')).toThrow(/deep\.geojson: .*nested too deeply/);
    const nested = '{"type":"FeatureCollection","features":['.repeat(5000) + ']}'.repeat(5000);
    expect(() => parseRoad(nested, 'nested.geojson')).toThrow(/nested more than 8 deep/);
  });
});

describe('fuzzing', () => {
  it('ends every case with exit 0, 2 or 3: no crash, no hang, nothing left behind', async () => {
    const tally = await runFuzz({ root: ROOT, dir: join(dir, 'run'), seed: 1, cases: 300, cliEvery: 0, timeoutMs: 10_000 });
    const report = formatTally(tally, 1, 20);
    expect(tally.crashes, report).toBe(0);
    expect(tally.hangs, report).toBe(0);
    expect(tally.leftovers, report).toBe(0);
    // The cases reach every outcome, so the run did exercise the readers rather than stop early.
    expect([...tally.byExit.keys()].sort(), report).toEqual([0, 2, 3]);
    expect(tally.cli, report).toBeGreaterThanOrEqual(18);
  }, 180_000);

  it('gives the same cases for the same seed', async () => {
    const { makeCase } = await import('../src/fuzz/cases.js');
    const a = makeCase(seeds, 7, 42);
    const b = makeCase(seeds, 7, 42);
    expect(a.mutation).toBe(b.mutation);
    expect(Buffer.from(a.bytes ?? []).equals(Buffer.from(b.bytes ?? []))).toBe(true);
    expect(readFileSync(join(seeds.dir, 'rgb-tiled-ovr.tif')).length).toBeGreaterThan(0);
  });
});
