import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, satcount } from './helpers/cli.js';
import { BLOB_MODEL, writeSquaresPng, writeSquaresTiff, type Square } from './helpers/scenes.js';

const root = mkdtempSync(join(tmpdir(), 'satcount-batch-'));
const scenes = join(root, 'scenes');

/** Scene i holds i + 1 squares, so every result is told apart by its count. */
const squaresFor = (i: number): Square[] => Array.from({ length: i + 1 }, (_, k) => [30 + 40 * k, 40 + 20 * (k % 3)]);
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

const batch = (args: string[], timeoutMs?: number) => satcount(['batch', ...args, '--model', BLOB_MODEL, '--quiet'], { timeoutMs });
const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
const statuses = (dir: string) => Object.fromEntries(summaryOf(dir).rows.map((r: { image: string; status: string }) => [r.image.split('/').pop(), r.status]));
const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
const errorLines = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('satcount:'));

/** A fresh folder holding copies of the first n scenes (the copies keep the scenes' content). */
function sceneFolder(name: string, n = NAMES.length): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const s of NAMES.slice(0, n)) copyFileSync(join(scenes, `${s}.tif`), join(dir, `${s}.tif`));
  return dir;
}

beforeAll(async () => {
  mkdirSync(scenes);
  await Promise.all(NAMES.map((s, i) => writeSquaresTiff(join(scenes, `${s}.tif`), 320, 96, squaresFor(i))));
});

describe('satcount batch', () => {
  it('writes one result per image, the requested side files, and a summary row per image', async () => {
    const inDir = sceneFolder('outputs', 3);
    const pngDir = join(root, 'outputs-png');
    mkdirSync(pngDir);
    await writeSquaresPng(join(pngDir, 'p.png'), 200, 80, [[50, 40], [120, 40]]);
    const out = join(root, 'outputs-out');
    const r = await batch([inDir, join(pngDir, '*.png'), '--gsd', '0.3', '--out-dir', out, '--geojson', '--csv', '--overlay', '--json']);
    expect(r.code).toBe(0);
    // --json: the summary JSON is all there is on stdout.
    const printed = JSON.parse(r.stdout);
    expect(printed).toEqual(summaryOf(out));
    expect(printed).toMatchObject({ images: 4, ok: 4, skipped: 0, failed: 0 });
    // Rows are sorted by image path: outputs-png/p.png comes before outputs/a.tif.
    expect(printed.rows.map((row: { total: number }) => row.total)).toEqual([2, 1, 2, 3]);

    const files = readdirSync(out).sort();
    for (const s of ['a', 'b', 'c']) for (const ext of ['json', 'geojson', 'csv', 'overlay.png']) expect(files).toContain(`${s}.${ext}`);
    // A PNG without georeferencing gets no WGS84 GeoJSON, but everything else.
    expect(files).toEqual(expect.arrayContaining(['p.json', 'p.csv', 'p.overlay.png']));
    expect(files).not.toContain('p.geojson');
    expect(JSON.parse(readFileSync(join(out, 'c.json'), 'utf8')).counts.total).toBe(3);
    expect(JSON.parse(readFileSync(join(out, 'b.geojson'), 'utf8')).features).toHaveLength(2);

    const csv = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('image,status,total,on_road,forward,backward,queue_length_m,vehicles_estimated,seconds,result,error,warnings');
    expect(csv).toHaveLength(5);
    expect(csv[2]).toMatch(/outputs\/a\.tif,ok,1,.*,a\.json,,$/);
    expect(tempFiles(out)).toEqual([]);
  });

  it('skips up-to-date results, recounts with --force or changed settings', async () => {
    const inDir = sceneFolder('resume', 3);
    const out = join(root, 'resume-out');
    expect((await batch([inDir, '--out-dir', out])).code).toBe(0);
    const firstWrite = statSync(join(out, 'a.json')).mtimeMs;

    const again = await batch([inDir, '--out-dir', out, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: 0, skipped: 3 });
    expect(JSON.parse(again.stdout).rows.map((row: { total: number }) => row.total)).toEqual([1, 2, 3]);
    expect(statSync(join(out, 'a.json')).mtimeMs).toBe(firstWrite);

    expect(statuses(out)).toEqual({ 'a.tif': 'skipped', 'b.tif': 'skipped', 'c.tif': 'skipped' });
    await batch([inDir, '--out-dir', out, '--force']);
    expect(statuses(out)).toEqual({ 'a.tif': 'ok', 'b.tif': 'ok', 'c.tif': 'ok' });
    await batch([inDir, '--out-dir', out, '--threshold', '0.6']);
    expect(statuses(out)).toEqual({ 'a.tif': 'ok', 'b.tif': 'ok', 'c.tif': 'ok' });
    // Asking for a side file the earlier run did not write recounts too.
    await batch([inDir, '--out-dir', out, '--threshold', '0.6', '--csv']);
    expect(statuses(out)).toEqual({ 'a.tif': 'ok', 'b.tif': 'ok', 'c.tif': 'ok' });
    expect(existsSync(join(out, 'a.csv'))).toBe(true);
    await batch([inDir, '--out-dir', out, '--threshold', '0.6']);
    expect(statuses(out)).toEqual({ 'a.tif': 'skipped', 'b.tif': 'skipped', 'c.tif': 'skipped' });
  });

  it('finishes the rest after being killed half-way, leaving no temp file', async () => {
    const inDir = sceneFolder('killed');
    const out = join(root, 'killed-out');
    // Overlays make each image slow enough that the kill lands between images.
    const child = spawn(process.execPath, [BIN, 'batch', inDir, '--out-dir', out, '--overlay', '--model', BLOB_MODEL, '--quiet'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const firstResult = () => existsSync(out) && readdirSync(out).some((f) => f.endsWith('.json'));
    while (!firstResult()) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const doneBefore = readdirSync(out).filter((f) => /^[a-f]\.json$/.test(f)).length;
    expect(doneBefore).toBeLessThan(NAMES.length);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    // What a kill in the middle of a write leaves, whether or not this kill happened to.
    writeFileSync(join(out, `.f.json.${child.pid}.0123abcd.tmp`), '{"satcount": "0.1');

    const r = await batch([inDir, '--out-dir', out, '--overlay', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ images: NAMES.length, skipped: doneBefore, ok: NAMES.length - doneBefore, failed: 0 });
    expect(s.rows.map((row: { total: number }) => row.total)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tempFiles(out)).toEqual([]);
  });

  it('reports a bad image as an error row, goes on, and exits 4', async () => {
    const inDir = sceneFolder('bad', 2);
    const good = readFileSync(join(inDir, 'a.tif'));
    writeFileSync(join(inDir, 'truncated.tif'), good.subarray(0, 400));
    writeFileSync(join(inDir, 'notes.tif'), 'this is not an image\n');
    const out = join(root, 'bad-out');
    const r = await batch([inDir, '--out-dir', out]);
    expect(r.code).toBe(4);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => l.includes('notes.tif'))).toBe(true);
    expect(lines.some((l) => l.includes('truncated.tif'))).toBe(true);
    const rows = summaryOf(out).rows;
    expect(rows.map((row: { status: string }) => row.status)).toEqual(['ok', 'ok', 'failed', 'failed']);
    for (const row of rows.filter((x: { status: string }) => x.status === 'failed')) {
      expect(row.error).toMatch(/\.tif: /);
      expect(row.error).not.toMatch(/\n/);
      expect(row.result).toBeNull();
    }
    expect(readdirSync(out).sort()).toEqual(['a.json', 'b.json', 'summary.csv', 'summary.json']);
  });

  it('leaves no earlier result behind for an image that now fails', async () => {
    const inDir = sceneFolder('stale', 2);
    const out = join(root, 'stale-out');
    expect((await batch([inDir, '--out-dir', out, '--csv'])).code).toBe(0);
    writeFileSync(join(inDir, 'b.tif'), readFileSync(join(inDir, 'b.tif')).subarray(0, 400));
    const r = await batch([inDir, '--out-dir', out, '--csv']);
    expect(r.code).toBe(4);
    expect(statuses(out)).toEqual({ 'a.tif': 'skipped', 'b.tif': 'failed' });
    expect(existsSync(join(out, 'b.json'))).toBe(false);
    expect(existsSync(join(out, 'b.csv'))).toBe(false);
    // Still failed on the next run: nothing claims it was counted.
    expect((await batch([inDir, '--out-dir', out, '--csv'])).code).toBe(4);
  });

  it('stops once with exit 3 when the model is broken', async () => {
    const inDir = sceneFolder('model', 2);
    const bad = join(root, 'broken.onnx');
    writeFileSync(bad, 'not a model');
    const r = await satcount(['batch', inDir, '--out-dir', join(root, 'model-out'), '--model', bad, '--quiet']);
    expect(r.code).toBe(3);
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining('broken.onnx')]);
    expect(existsSync(join(root, 'model-out', 'summary.json'))).toBe(false);
  });

  it('splits inputs into disjoint shards and merges their summaries', async () => {
    const inDir = sceneFolder('shards');
    const outs = [1, 2, 3].map((i) => join(root, `shard-${i}`));
    for (const [i, out] of outs.entries()) expect((await batch([inDir, '--out-dir', out, '--shard', `${i + 1}/3`])).code).toBe(0);
    const parts = outs.map((out) => Object.keys(statuses(out)));
    expect(parts.flat().sort()).toEqual(NAMES.map((s) => `${s}.tif`));
    expect(new Set(parts.flat()).size).toBe(NAMES.length);
    expect(parts.every((p) => p.length === 2)).toBe(true);

    const merged = join(root, 'merged');
    const m = await satcount(['summary', ...outs, '--out-dir', merged]);
    expect(m.code).toBe(0);
    const s = summaryOf(merged);
    expect(s).toMatchObject({ images: 6, ok: 6, failed: 0 });
    expect(s.rows.map((row: { total: number }) => row.total)).toEqual([1, 2, 3, 4, 5, 6]);
    // Result paths point at the shards' files from the merged folder.
    for (const row of s.rows) expect(JSON.parse(readFileSync(join(merged, row.result), 'utf8')).counts.total).toBe(row.total);
    const csv = readFileSync(join(merged, 'summary.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[6]).toMatch(/f\.tif,ok,6,.*shard-\d\/f\.json,,$/);

    const toStdout = await satcount(['summary', ...outs]);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('refuses to summarise a folder without a summary, in one line', async () => {
    const r = await satcount(['summary', scenes]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringContaining(scenes)]);
    expect(r.stdout).toBe('');
  });

  it('gives the same results with --concurrency 2 as one image at a time', async () => {
    const inDir = sceneFolder('concurrency');
    const runs = await Promise.all(
      [1, 2].map(async (n) => {
        const out = join(root, `concurrency-${n}`);
        expect((await batch([inDir, '--out-dir', out, '--concurrency', String(n)])).code).toBe(0);
        return NAMES.map((s) => JSON.parse(readFileSync(join(out, `${s}.json`), 'utf8')).detections);
      }),
    );
    expect(runs[1]).toEqual(runs[0]);
  });

  it('does not count its own overlays as inputs when --out-dir is inside the input folder', async () => {
    const inDir = sceneFolder('nested', 2);
    const out = join(inDir, 'results');
    expect((await batch([inDir, '--out-dir', out, '--overlay'])).code).toBe(0);
    const again = await batch([inDir, '--out-dir', out, '--overlay', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ images: 2, skipped: 2 });
  });
});
