import type { FuzzCase } from './cases.js';
import type { CliResult } from './cli-case.js';
import type { Result } from './in-process.js';

export interface Failure {
  c: FuzzCase;
  how: 'crash' | 'hang' | 'leftover' | 'cli';
  message: string;
}

export interface Tally {
  cases: number;
  inProcess: number;
  cli: number;
  /** Exit code → cases, in-process and through the CLI. */
  byExit: Map<number, number>;
  cliByExit: Map<number | null, number>;
  crashes: number;
  hangs: number;
  leftovers: number;
  failures: Failure[];
}

export function emptyTally(): Tally {
  return { cases: 0, inProcess: 0, cli: 0, byExit: new Map(), cliByExit: new Map(), crashes: 0, hangs: 0, leftovers: 0, failures: [] };
}

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);

export function addInProcess(t: Tally, c: FuzzCase, r: Result): void {
  t.inProcess++;
  if (r.kind === 'exit') bump(t.byExit, r.code);
  else if (r.kind === 'hang') {
    t.hangs++;
    t.failures.push({ c, how: 'hang', message: r.message });
  } else {
    t.crashes++;
    t.failures.push({ c, how: 'crash', message: r.message });
  }
}

export function addCli(t: Tally, c: FuzzCase, r: CliResult): void {
  t.cli++;
  bump(t.cliByExit, r.code);
  if (r.hung) t.hangs++;
  else if (r.problems.length > 0) t.crashes++;
  t.leftovers += r.leftovers.length;
  if (r.problems.length > 0) t.failures.push({ c, how: r.hung ? 'hang' : 'cli', message: `${r.problems.join('; ')} | stderr: ${r.stderr.trim().split('\n').slice(0, 3).join(' / ').slice(0, 300)}` });
  if (r.leftovers.length > 0) t.failures.push({ c, how: 'leftover', message: `left behind: ${r.leftovers.join(', ')}` });
}

function codes<K>(m: Map<K, number>): string {
  return [...m.entries()].sort(([a], [b]) => Number(a) - Number(b)).map(([k, n]) => `exit ${k ?? 'killed'}: ${n}`).join(', ') || 'none';
}

/** The summary `npm run fuzz` prints, with the first few failures and how to rerun each. */
export function formatTally(t: Tally, seed: number, shown = 8): string {
  const lines = [
    `cases: ${t.cases} (${t.inProcess} in-process, ${t.cli} through the CLI)`,
    `in-process by exit code: ${codes(t.byExit)}`,
    `CLI by exit code: ${codes(t.cliByExit)}`,
    `crashes: ${t.crashes}`,
    `hangs: ${t.hangs}`,
    `leftover files: ${t.leftovers}`,
  ];
  for (const f of t.failures.slice(0, shown)) {
    lines.push(`  ${f.how} #${f.c.id} ${f.c.category} ${f.c.seed} [${f.c.mutation}]: ${f.message}`);
    lines.push(`    rerun: node dist/fuzz/run.js --seed ${seed} --case ${f.c.id}`);
  }
  if (t.failures.length > shown) lines.push(`  … and ${t.failures.length - shown} more`);
  return lines.join('\n') + '\n';
}
