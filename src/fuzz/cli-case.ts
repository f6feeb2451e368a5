import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FuzzCase } from './cases.js';
import { cleanUp, materialize } from './materialize.js';

export interface CliContext {
  root: string;
  /** Scratch folder; each case gets a fresh output folder inside it. */
  dir: string;
  roadImage: string;
  model: string;
  timeoutMs: number;
}

export interface CliResult {
  code: number | null;
  /** What is wrong with how the case ended; empty when nothing is. */
  problems: string[];
  /** Temp files or partial outputs left behind. */
  leftovers: string[];
  hung: boolean;
  stderr: string;
}

interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  hung: boolean;
}

function satcount(root: string, args: string[], timeoutMs: number): Promise<Spawned> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'satcount.js'), ...args], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let hung = false;
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, hung });
    });
  });
}

/** Temp files (`.name.….tmp`) anywhere under `dir`. */
async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /^\..*\.tmp$/.test(e.name)).map((e) => join(e.parentPath ?? dir, e.name));
}

/** The output path for a hostile-path case, after setting up what makes it hostile; with the exit code it must give. */
async function hostileOut(c: FuzzCase, outDir: string): Promise<{ out: string; expect: number }> {
  switch (c.path) {
    case 'out-dir-missing':
      // A single-file output's folder is never made (a typo would scatter folders): bad input.
      return { out: join(outDir, 'not', 'yet', 'there', 'r.json'), expect: 2 };
    case 'out-parent-is-file':
      await writeFile(join(outDir, 'a-file'), 'x');
      return { out: join(outDir, 'a-file', 'r.json'), expect: 2 };
    case 'out-is-directory':
      await mkdir(join(outDir, 'r.json'));
      return { out: join(outDir, 'r.json'), expect: 2 };
    default: {
      // root ignores permission bits, so a folder on a read-only file system stands in for a read-only folder.
      const readOnly = process.getuid?.() === 0 ? '/sys/satcount-fuzz' : join(outDir, 'read-only');
      if (!readOnly.startsWith('/sys')) await mkdir(readOnly, { mode: 0o555 });
      return { out: join(readOnly, 'r.json'), expect: 2 };
    }
  }
}

/**
 * Runs one case through `satcount count` and checks what a user or a batch job would see: exit 0,
 * 2 or 3 (or the exit a hostile path calls for), one `satcount:` line on stderr and no stack trace
 * when it fails, a complete result file when it succeeds, none when it fails, and no temp files.
 */
export async function runCliCase(c: FuzzCase, ctx: CliContext): Promise<CliResult> {
  const outDir = join(ctx.dir, `out-${c.id}`);
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const input = c.path ? null : await materialize(c, ctx.dir, ctx.root);
  try {
    let out = join(outDir, 'r.json');
    let expect: number[] = [0, 2, 3];
    if (c.path) {
      const h = await hostileOut(c, outDir);
      out = h.out;
      expect = [h.expect];
    }
    const image = c.category === 'road' || c.category === 'model' || c.ext === '.onnx' || c.path ? ctx.roadImage : input!;
    const model = c.category === 'model' || c.ext === '.onnx' ? input! : ctx.model;
    const args = ['count', image, '--model', model, '--gsd', '0.3', '--out', out, '--log-level', 'error'];
    if (c.category === 'road') args.push('--road', input!);
    const r = await satcount(ctx.root, args, ctx.timeoutMs);

    const problems: string[] = [];
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    if (r.hung) problems.push(`still running after ${ctx.timeoutMs} ms`);
    else if (r.code === null) problems.push(`killed by ${r.signal}`);
    else if (!expect.includes(r.code)) problems.push(`exit ${r.code}, expected ${expect.join(' or ')}`);
    if (lines.some((l) => /^\s+at /.test(l))) problems.push('stack trace on stderr');
    if (r.code !== 0 && !r.hung) {
      if (lines.length !== 1) problems.push(`${lines.length} lines on stderr, expected one`);
      if (!lines[0]?.startsWith('satcount: ')) problems.push('stderr does not start with "satcount: "');
      if (lines.some((l) => l.includes('internal error'))) problems.push('internal error');
    }

    const leftovers = await tempFiles(outDir);
    const isFile = existsSync(out) && statSync(out).isFile();
    if (r.code === 0) {
      const result = isFile ? await readFile(out, 'utf8') : '';
      try {
        const json = JSON.parse(result) as Record<string, unknown>;
        if (!json.counts || !Array.isArray(json.detections)) problems.push('result JSON lacks counts or detections');
      } catch {
        problems.push(isFile ? 'result JSON is incomplete' : 'exit 0 without a result file');
      }
    } else if (isFile) {
      leftovers.push(out);
    }
    return { code: r.code, problems, leftovers, hung: r.hung, stderr: r.stderr };
  } finally {
    if (input) await cleanUp(c, input);
    await rm(outDir, { recursive: true, force: true });
  }
}
