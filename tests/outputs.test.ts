import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeError } from '../src/io/atomic.js';
import type { CountResult } from '../src/pipeline/result.js';
import type { RasterSource } from '../src/raster/open.js';
import { writeOutputs } from '../src/report/outputs.js';
import { BIN, satcount } from './helpers/cli.js';
import { BLOB_MODEL, writeSquaresTiff } from './helpers/scenes.js';

/** Issue 15, items 6 to 10: outputs all or nothing, checked before the work; quiet ends. */

const dir = mkdtempSync(join(tmpdir(), 'satcount-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tif = join(dir, 'squares.tif');
beforeAll(async () => {
  await writeSquaresTiff(tif, 300, 200, [[60, 60], [200, 120]]);
});

const fresh = (name: string) => {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
};

describe('outputs checked before the work, written all or nothing (item 6)', () => {
  it('an unwritable overlay path fails before any tile is read and leaves no other output', async () => {
    const out = fresh('check-first');
    const overlay = fresh('a-folder.png');
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--out', join(out, 'ok.json'), '--csv', join(out, 'ok.csv'), '--overlay', overlay]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`satcount: cannot write ${overlay}: is a directory\n`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('a writer failing after others have written leaves none of them, and no temp file', async () => {
    const out = fresh('all-or-nothing');
    const result = { image: { path: 'x.tif', georeferenced: false }, detections: [], queues: [], profile: null, counts: { total: 0, by_direction: null } } as unknown as CountResult;
    const source = { readRgb: () => Promise.reject(Object.assign(new Error('disk gone'), { code: 'EIO' })), info: { width: 10, height: 10 } } as unknown as RasterSource;
    const outputs = { csv: join(out, 'a.csv'), overlay: join(out, 'a.png'), out: join(out, 'a.json') };
    await expect(writeOutputs({ result, source, road: null }, outputs)).rejects.toThrow(`cannot write ${join(out, 'a.png')}: EIO`);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('no folders made for single-file outputs (item 7)', () => {
  it('count --out into a missing folder: exit 2, nothing created', async () => {
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--out', 'missing/dir/r.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('satcount: cannot write missing/dir/r.json: folder missing/dir does not exist\n');
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('synth --out into a missing folder: exit 2, nothing created', async () => {
    const r = await satcount(['synth', '--out', 'nowhere/scene.tif'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('satcount: cannot write nowhere/scene.tif: folder nowhere does not exist\n');
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('batch makes its one --out-dir folder, but not missing parents', async () => {
    const made = await satcount(['batch', tif, '--out-dir', 'batch-made', '--model', BLOB_MODEL, '--quiet'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(join(dir, 'batch-made', 'summary.json'))).toBe(true);
    const r = await satcount(['batch', tif, '--out-dir', 'no/such/out', '--model', BLOB_MODEL], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('satcount:'))).toEqual(['satcount: cannot create output folder no/such/out: folder no/such does not exist']);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});

describe('write errors in one line (item 8)', () => {
  it('names the path and the problem in words, whatever raised it', () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open '/x/.r.json.tmp'"), { code: 'EACCES' });
    expect(writeError('/x/r.json', eacces).message).toBe('cannot write /x/r.json: permission denied');
    const vips = new Error('VipsForeignSave: "/x/.o.png.1.tmp" is not a known file format\nunable to open "/x/.o.png.1.tmp" for output\nPermission denied\nvips2png: unable to write');
    expect(writeError('/x/o.png', vips).message).toBe('cannot write /x/o.png: permission denied');
    expect(writeError('/x/o.png', Object.assign(new Error('no space'), { code: 'ENOSPC' })).message).toBe('cannot write /x/o.png: no space left on device');
  });

  // Tests may run as root, so the unwritable folder is a virtual one: no user may create files in /sys.
  it.skipIf(!existsSync('/sys/kernel'))('an overlay in a folder the user may not write to: one line, exit 2', async () => {
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--overlay', '/sys/o.png', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^satcount: cannot write \/sys\/o\.png: (permission denied|read-only file system)\n$/);
  });
});

describe('a closed stdout (item 9)', () => {
  /** Runs satcount with stdout piped into `reader`, which may close it early; satcount's own exit code and stderr. */
  const piped = (args: string, reader: string) => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args} 2>"${dir}/err.txt" | ${reader} >/dev/null; echo \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 60_000 });
    return { code: Number(r.stdout.trim()), stderr: readFileSync(join(dir, 'err.txt'), 'utf8') };
  };
  for (const [args, reader] of [
    [`count "${tif}" --model "${BLOB_MODEL}" --json --quiet`, 'true'],
    [`count "${tif}" --model "${BLOB_MODEL}" --json --quiet`, 'head -c 50'],
    ['help count', 'head -2'],
    ['help count', 'true'],
  ]) {
    it(`${args.split(' ')[0]} ${args.includes('--json') ? '--json' : args.split(' ')[1]} | ${reader}: ends quietly`, () => {
      const r = piped(args, reader);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('synth interrupted (item 10)', () => {
  it('SIGINT while the GeoTIFF is written leaves no temp file', async () => {
    const out = fresh('synth-int');
    const child = spawn(process.execPath, [BIN, 'synth', '--out', join(out, 'big.tif'), '--size', '3000x1500'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const started = Date.now();
    while (!readdirSync(out).some((f) => f.endsWith('.tmp'))) {
      if (Date.now() - started > 120_000) throw new Error(`no temp file appeared:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGINT');
    expect(await done).toBe(130);
    expect(stderr.split('\n').filter((l) => l.startsWith('satcount:'))).toEqual(['satcount: interrupted (SIGINT)']);
    expect(readdirSync(out)).toEqual([]);
  }, 180_000);
});

describe('overlay and profile plot read together (item 18)', () => {
  it('use one colour per direction, carry a title and a key, and scale a cut-short last bin', async () => {
    const { overlaySvg } = await import('../src/report/overlay.js');
    const { profileSvg } = await import('../src/report/profile-plot.js');
    const { DIRECTION_COLOURS } = await import('../src/report/colours.js');
    const det = { id: 1, class: 'car', score: 0.9, bbox_px: [10, 10, 30, 20], center_px: [20, 15], center_crs: null, lonlat: null, road: { chainage_m: 5, offset_m: 2, direction: 'forward', lane: 0 } };
    const road = { lines: [[[0, 0], [100, 0]]] as [number, number][][], corridorPx: 10, queues: [] };
    const overlay = overlaySvg(400, 300, 1, [det as never], road, 'scene.tif: 1 vehicle (forward 1, backward 0)');
    expect(overlay).toContain(`stroke="${DIRECTION_COLOURS.forward}"`);
    expect(overlay).toContain('scene.tif: 1 vehicle (forward 1, backward 0)');
    expect(overlay).toMatch(/>forward<.*>backward<.*>off road</);

    // 120 m of road in 100 m bins: the last bin is 20 m long and holds 3 vehicles, i.e. 15 per 100 m.
    const profile = { bin_m: 100, forward: [10, 3], backward: [0, 0] };
    const svg = profileSvg(profile, [], { length_m: 120, coveredRanges: [{ start_m: 0, end_m: 120 }], title: 'scene.tif: 13 vehicles' });
    // Bars sit inside the plot (y ≥ 50); the colour key's square sits above it.
    const bars = [...svg.matchAll(new RegExp(`<rect x="[\\d.]+" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)" fill="${DIRECTION_COLOURS.forward}"/>`, 'g'))]
      .filter((b) => Number(b[1]) >= 50)
      .map((b) => [b[0], b[2], b[3]]);
    expect(bars).toHaveLength(2);
    const [h1, h2] = bars.map((b) => Number(b[2]));
    expect(h2 / h1).toBeCloseTo(1.5, 2);
    // The last bar spans 20 m, a fifth of a whole bin's width.
    expect(Number(bars[1][1]) / Number(bars[0][1])).toBeCloseTo(0.2, 1);
    expect(svg).toContain('scene.tif: 13 vehicles');
  });

  it('draws a small image larger, so its boxes can be seen', async () => {
    const sharp = (await import('sharp')).default;
    const out = fresh('small-overlay');
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--overlay', join(out, 'o.png'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const meta = await sharp(join(out, 'o.png')).metadata();
    expect([meta.width, meta.height]).toEqual([1200, 800]);
  });
});
