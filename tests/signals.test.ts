import sharp from 'sharp';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { BLOB_MODEL, writeSquaresPng, type Square } from './helpers/scenes.js';

const root = mkdtempSync(join(tmpdir(), 'satcount-signals-'));
const scenes = join(root, 'scenes');
// Large enough that detection and the overlay take seconds, so a signal lands mid-run.
const BIG = join(scenes, 'z-big.png');
const SMALL = join(scenes, 'a-small.png');

const grid: Square[] = [];
for (let y = 40; y < 4000; y += 120) for (let x = 40; x < 4000; x += 120) grid.push([x, y]);

beforeAll(async () => {
  mkdirSync(scenes);
  await writeSquaresPng(BIG, 4000, 4000, grid);
  await writeSquaresPng(SMALL, 120, 80, [[40, 40]]);
});

interface Running {
  /** Resolves once `test` holds, checked on every chunk of stderr and every few milliseconds. */
  until(test: (stderr: string) => boolean): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [BIN, ...args, '--model', BLOB_MODEL, '--gsd', '0.3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout });
    }),
  );
  let exited = false;
  void done.then(() => (exited = true));
  return {
    async until(test) {
      while (!test(stderr)) {
        if (exited) throw new Error(`finished before the signal could be sent:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    kill: (signal) => child.kill(signal),
    done,
  };
}

const tempIn = (dir: string) => () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.tmp'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function expectInterrupted(r: { code: number | null; stderr: string; stdout: string }) {
  expect(r.code).toBe(130);
  expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('satcount:'))).toEqual([expect.stringMatching(/^satcount: interrupted/)]);
  expect(r.stdout).toBe('');
}

describe('signals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during count detection: exit 130, one line, no output file', async (signal) => {
    const out = join(root, `count-${signal}`);
    mkdirSync(out);
    const run = start(['count', BIG, '--out', join(out, 'r.json'), '--overlay', join(out, 'r.png')]);
    // The first log line (the no-georeferencing notice) comes once the image and model are open.
    await run.until((stderr) => stderr.trim().length > 0);
    await sleep(300);
    run.kill(signal);
    expectInterrupted(await run.done);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('SIGTERM while count writes a large overlay removes its temp file', async () => {
    const out = join(root, 'count-overlay');
    mkdirSync(out);
    const run = start(['count', BIG, '--overlay', join(out, 'r.png'), '--quiet']);
    await run.until(tempIn(out));
    run.kill('SIGTERM');
    expectInterrupted(await run.done);
    // Either the overlay was interrupted (nothing left) or it was renamed into place just before
    // the signal (then it is whole); never a temp file or a half-written PNG.
    const left = readdirSync(out);
    expect(left.filter((f) => f !== 'r.png')).toEqual([]);
    if (left.includes('r.png')) expect((await sharp(join(out, 'r.png')).metadata()).width).toBeGreaterThan(0);
  });

  it('SIGINT during batch keeps finished images and leaves nothing half-written', async () => {
    const out = join(root, 'batch-int');
    const run = start(['batch', scenes, '--out-dir', out]);
    await run.until((stderr) => stderr.includes('"image done"'));
    await sleep(300);
    run.kill('SIGINT');
    expectInterrupted(await run.done);
    expect(readdirSync(out)).toEqual(['a-small.json']);
  });

  it('SIGTERM while batch writes an overlay leaves no temp file and no result for that image', async () => {
    const out = join(root, 'batch-term');
    const run = start(['batch', BIG, '--out-dir', out, '--overlay', '--quiet']);
    await run.until(tempIn(out));
    run.kill('SIGTERM');
    expectInterrupted(await run.done);
    const left = readdirSync(out);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The result goes last; if the signal came after it was renamed into place, the image is complete.
    if (left.includes('z-big.json')) {
      expect(left).toContain('z-big.overlay.png');
      expect(JSON.parse(readFileSync(join(out, 'z-big.json'), 'utf8')).counts.total).toBe(grid.length);
    } else {
      // No result: the image is not done (a whole overlay renamed just before the signal may stay).
      expect(left.filter((f) => f !== 'z-big.overlay.png')).toEqual([]);
      if (left.length) expect((await sharp(join(out, 'z-big.overlay.png')).metadata()).width).toBeGreaterThan(0);
    }
  });
});
