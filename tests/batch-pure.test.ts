import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchInputs, expandInputs, shardInputs } from '../src/batch/inputs.js';
import { outputStems } from '../src/batch/names.js';
import { failedRow, makeSummary, mergeSummaries, summaryCsv, type SummaryRow } from '../src/batch/summary.js';

const okRow = (image: string, total: number): SummaryRow => ({
  image, status: 'ok', error: null, result: `${image}.json`, total, on_road: null, forward: null, backward: null,
  queue_length_m: null, vehicles_estimated: null, seconds: 1,
});

describe('batch inputs', () => {
  it('expands folders recursively and globs, sorted and de-duplicated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satcount-inputs-'));
    mkdirSync(join(dir, 'sub'));
    for (const f of ['b.tif', 'a.TIF', 'notes.txt', 'sub/c.png']) writeFileSync(join(dir, f), '');
    const found = await expandInputs([dir, join(dir, '*.tif')]);
    expect(found.map((p) => p.slice(dir.length + 1))).toEqual(['a.TIF', 'b.tif', 'sub/c.png']);
    await expect(expandInputs([join(dir, 'nothing-*.tif')])).rejects.toThrow(/nothing-\*\.tif: no such file/);
  });

  it('makes a VRT and a vendor tile group one entry each, never counting a tile twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'satcount-inputs-'));
    mkdirSync(join(dir, 'delivery'));
    mkdirSync(join(dir, 'vrt'));
    for (const f of ['a.tif', 'delivery/P001_R1C1.TIF', 'delivery/P001_R1C2.TIF', 'delivery/P002_R1C1.TIF', 'vrt/x.tif', 'vrt/y.tif', 'vrt/z.tif']) writeFileSync(join(dir, f), '');
    const source = (f: string) => `<ComplexSource><SourceFilename relativeToVRT="1">${f}</SourceFilename></ComplexSource>`;
    writeFileSync(join(dir, 'vrt', 'xy.vrt'), `<VRTDataset rasterXSize="2" rasterYSize="1"><VRTRasterBand>${source('x.tif')}${source('y.tif')}</VRTRasterBand></VRTDataset>`);
    const found = await batchInputs(await expandInputs([dir], { vrt: true }));
    const rel = (p: string) => p.slice(dir.length + 1);
    expect(found.map((f) => (typeof f === 'string' ? rel(f) : { label: rel(f.label), images: f.images.map(rel) }))).toEqual([
      'a.tif',
      // P002 has one tile: it is one image as it stands.
      { label: 'delivery/P001_R*C*.TIF', images: ['delivery/P001_R1C1.TIF', 'delivery/P001_R1C2.TIF'] },
      'delivery/P002_R1C1.TIF',
      'vrt/xy.vrt',
      'vrt/z.tif',
    ]);
    // Without { vrt: true } (series), the VRT is not an input and its images are.
    expect((await expandInputs([join(dir, 'vrt')])).map(rel)).toEqual(['vrt/x.tif', 'vrt/y.tif', 'vrt/z.tif']);
    expect(outputStems([join(dir, 'delivery/P001_R*C*.TIF')]).get(join(dir, 'delivery/P001_R*C*.TIF'))).toBe('P001');
  });

  it('splits inputs into disjoint shards that together hold every input', () => {
    const inputs = Array.from({ length: 23 }, (_, i) => `img${String(i).padStart(2, '0')}.tif`);
    const shards = [1, 2, 3, 4].map((index) => shardInputs(inputs, { index, count: 4 }));
    expect(shards.flat().sort()).toEqual(inputs);
    expect(shards.map((s) => s.length)).toEqual([6, 6, 6, 5]);
    expect(shardInputs(inputs, { index: 2, count: 4 })).toEqual(shards[1]);
  });

  it('gives images with the same name in different folders different result files', () => {
    const stems = outputStems(['/a/scene.tif', '/b/scene.tif', '/a/other.tif', 'https://x.org/c/img.tif?sig=1']);
    expect(stems.get('/a/other.tif')).toBe('other');
    expect(stems.get('https://x.org/c/img.tif?sig=1')).toBe('img');
    expect(stems.get('/a/scene.tif')).not.toBe(stems.get('/b/scene.tif'));
  });
});

describe('batch summaries', () => {
  it('merges shard summaries, preferring a success over an earlier failure', () => {
    const s1 = makeSummary('x', [okRow('/a.tif', 3), failedRow('/b.tif', '/b.tif: truncated TIFF')]);
    const s2 = makeSummary('x', [okRow('/b.tif', 5), okRow('/c.tif', 1)]);
    const merged = mergeSummaries('x', [s1, s2]);
    expect(merged.rows.map((r) => [r.image, r.status, r.total])).toEqual([
      ['/a.tif', 'ok', 3],
      ['/b.tif', 'ok', 5],
      ['/c.tif', 'ok', 1],
    ]);
    expect(merged.failed).toBe(0);
  });

  it('writes a CSV row per image with the error message quoted', () => {
    const csv = summaryCsv(makeSummary('x', [failedRow('/b.tif', 'bad, "truncated"')]));
    expect(csv.split('\n')[1]).toBe('/b.tif,failed,,,,,,,,,"bad, ""truncated""",');
  });
});
