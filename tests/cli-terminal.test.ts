import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandName, usageErrorLine } from '../src/cli/main.js';
import { formatEta } from '../src/cli/progress.js';
import { readOnnxHeader } from '../src/detect/onnx-proto.js';
import { DEFAULT_MODEL_PATH } from '../src/pipeline/model-path.js';
import { compareCase } from '../src/check/compare.js';
import { textLine } from '../src/log.js';
import type { CountResult } from '../src/pipeline/result.js';
import { BIN, ROOT, satcount } from './helpers/cli.js';
import { BLOB_MODEL, writeSquaresPng, writeSquaresTiff } from './helpers/scenes.js';

/** Issue 15, items 16, 17 and 20: what a person at a terminal reads. */

const dir = mkdtempSync(join(tmpdir(), 'satcount-terminal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tif = join(dir, 'squares.tif');
beforeAll(async () => {
  await writeSquaresTiff(tif, 200, 120, [[50, 50], [150, 60]]);
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('logs (item 16)', () => {
  it('are JSON lines when stderr is not a terminal, readable lines with --log-format text', async () => {
    const json = await satcount(['count', tif, '--model', BLOB_MODEL]);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('msg');

    const text = await satcount(['count', tif, '--model', BLOB_MODEL, '--log-format', 'text']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).not.toContain('{"level"');
    expect(text.stderr).toContain('reading 1 tile  (tiles=1, of=1)\n');
  });

  it('formats one pino line as level, message and key fields', () => {
    expect(textLine('{"level":40,"time":1,"msg":"pixel size 0.6 m is coarse"}')).toBe('warning: pixel size 0.6 m is coarse\n');
    expect(textLine('{"level":30,"time":1,"tiles":4,"of":9,"msg":"reading 4 of 9 tiles"}')).toBe('reading 4 of 9 tiles  (tiles=4, of=9)\n');
    expect(textLine('{"level":30,"time":1,"image":"a b.tif","msg":"done"}')).toBe('done  (image="a b.tif")\n');
  });

  it.skipIf(!hasScript)('batch on a terminal shows a progress bar of images, failures and ETA, and readable logs', () => {
    const inDir = join(dir, 'batch-in');
    mkdirSync(inDir);
    writeFileSync(join(inDir, 'a.tif'), readFileSync(tif));
    writeFileSync(join(inDir, 'b.tif'), 'not a tiff');
    const command = `${process.execPath} ${BIN} batch ${inDir} --out-dir ${join(dir, 'batch-out')} --model ${BLOB_MODEL}`;
    // script(1) runs the command on a pseudo-terminal, as a user's shell would.
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    expect(r.status).toBe(4);
    const out = r.stdout;
    expect(out).toMatch(/2\/2 images \| 1 failed \| ETA/);
    expect(out).not.toContain('{"level"');
    expect(out).toContain('batch start');
  });
});

describe('usage errors (item 17)', () => {
  for (const [args, line] of [
    [['count', 'x.tif', '--threshold', '2'], 'satcount: --threshold 2: expected a number from 0 to 1, got "2"'],
    [['count', 'x.tif', '--fore'], "satcount: unknown option '--fore' (Did you mean --force?)"],
    [['count'], "satcount: missing required argument 'images'"],
    [['count', 'x.tif', '--drive-side', 'up'], 'satcount: --drive-side up: Allowed choices are right, left.'],
  ] as const) {
    it(`${args.join(' ')}: one satcount line, exit 2`, async () => {
      const r = await satcount([...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${line}\n`);
    });
  }

  it('a mistyped command still gets the suggestion among all commands, and help lists them all', async () => {
    const typo = await satcount(['--log-level', 'warn', 'cuont', 'x.tif']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("satcount: unknown command 'cuont' (Did you mean count?)\n");
    const help = await satcount(['--help']);
    expect(help.code).toBe(0);
    const listed = [...help.stdout.matchAll(/^  (\w+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(['count', 'info', 'batch', 'summary', 'series', 'check', 'eval', 'synth', 'help']);
  });

  it('finds the command word past the global options, so only its module loads', () => {
    expect(commandName(['--log-level', 'debug', '--json', 'count', 'a.tif'])).toBe('count');
    expect(commandName(['--log-format=json', 'summary', 'x'])).toBe('summary');
    expect(commandName(['--version'])).toBeUndefined();
    expect(commandName(['--', 'count'])).toBeUndefined();
  });

  it('joins commander messages into one line', () => {
    expect(usageErrorLine("error: option '--overlap <pixels>' argument '-1' is invalid. expected a number ≥ 0, got \"-1\"")).toBe('satcount: --overlap -1: expected a number ≥ 0, got "-1"\n');
    expect(usageErrorLine("error: unknown option '--x'\n(Did you mean --y?)")).toBe("satcount: unknown option '--x' (Did you mean --y?)\n");
  });
});

describe('small things (item 20)', () => {
  it("count --help states the shipped model's own threshold, NMS IoU and overlap", async () => {
    const meta = JSON.parse(readOnnxHeader(readFileSync(DEFAULT_MODEL_PATH)).metadata.satcount!) as Record<string, number>;
    const help = (await satcount(['count', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`${meta.score_threshold} for the shipped model`);
    expect(help).toContain(`${meta.nms_iou} for the shipped model`);
    expect(help).toContain(`${meta.tile_overlap} for the shipped model`);
  });

  it('ETA never shows 60 seconds', () => {
    expect(formatEta(359.7)).toBe('6m00s');
    expect(formatEta(305)).toBe('5m05s');
    expect(formatEta(59.6)).toBe('1m00s');
    expect(formatEta(7199.9)).toBe('2h00m');
    expect(formatEta(42)).toBe('42s');
  });

  it('check reports tolerances without binary noise (0.2 × 102 is 20.4, not 20.400000000000002)', () => {
    const result = { counts: { total: 100 } } as CountResult;
    const [row] = compareCase('c', result, { total: { value: 102, rel: 0.2 } });
    expect(row.tolerance).toBe(20.4);
    expect(JSON.stringify(row)).not.toContain('20.400000000000002');
  });

  it('eval ends its table with a newline', async () => {
    const png = join(dir, 'e.png');
    await writeSquaresPng(png, 120, 80, [[40, 40]]);
    const labels = join(dir, 'labels');
    mkdirSync(labels);
    writeFileSync(join(labels, 'e.txt'), '0 0.333 0.5 0.117 0.175\n');
    const r = await satcount(['eval', png, '--labels', labels, '--label-format', 'yolo', '--gsd', '0.3', '--model', BLOB_MODEL, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
  });

  it('synth says when the queue asked for does not fit the scene', async () => {
    const r = await satcount(['synth', '--out', join(dir, 'q.tif'), '--queue-length', '800', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.warnings).toEqual([expect.stringMatching(/^synth: --queue-length 800 m does not fit the road in this scene: the forward queue is \d+ m/)]);
    expect(r.stderr).toContain('--queue-length 800 m does not fit');
  });
});
