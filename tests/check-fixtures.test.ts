import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, satcount } from './helpers/cli.js';

const SPEC = join(ROOT, 'fixtures', 'check.json');

/** The project's own spec, with paths made absolute so a modified copy can live elsewhere. */
function specCopy(edit: (spec: { cases: { image: string; road?: string; expect: Record<string, { value: number; rel?: number; abs?: number }> }[] }) => void): string {
  const spec = JSON.parse(readFileSync(SPEC, 'utf8'));
  for (const c of spec.cases) {
    c.image = resolve(ROOT, 'fixtures', c.image);
    if (c.road) c.road = resolve(ROOT, 'fixtures', c.road);
  }
  edit(spec);
  const file = join(mkdtempSync(join(tmpdir(), 'satcount-check-')), 'spec.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('satcount check on the shipped fixtures with the shipped model', () => {
  it('passes: counts, directions, queue lengths and estimates are within tolerance of the truth', async () => {
    const r = await satcount(['check', SPEC], { timeoutMs: 300_000 });
    expect(r.stdout).toMatch(/^case\s+metric\s+expected/m);
    expect(r.stdout).not.toMatch(/FAIL/);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  }, 300_000);

  it('fails (exit 1) when an expected value is moved outside its tolerance', async () => {
    const spec = specCopy((s) => {
      s.cases = s.cases.slice(0, 1);
      const e = s.cases[0].expect.total;
      e.value = Math.round(e.value * 1.5) + 10;
    });
    const r = await satcount(['check', spec], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/total.*FAIL/);
    expect(r.stdout).toMatch(/1 failed/);
  }, 120_000);

  it('refuses a bad spec with exit 2 naming the file', async () => {
    const spec = specCopy((s) => {
      (s.cases[0] as unknown as { flags: Record<string, string> }).flags = { 'drive-side': 'middle' };
    });
    const r = await satcount(['check', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/spec\.json: bad check spec: case .*drive-side/);
  });
});
