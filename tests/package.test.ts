import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('the published package', () => {
  it('carries the tool, its model, the schema and a LICENSE, and none of the developer tools', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'bin/satcount.js', 'dist/index.js', 'dist/cli/main.js', 'models/satcount-vehicles.onnx', 'schema/result.schema.json']));
    expect(files.filter((f) => /(^|\/)(fuzz|bench)(\/|$)/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('training/'))).toEqual([]);
  }, 120_000);
});
