import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runFuzz } from './campaign.js';
import { formatTally } from './tally.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const USAGE = `usage: npm run fuzz -- [--cases N] [--seed S] [--cli-every K] [--timeout-ms T] [--case ID] [--trace]
  Feeds malformed images, roads, models and output paths (derived from fixtures/ and tests/models/)
  to satcount and tallies how each ended. Exit 0 when nothing crashed, hung or left files behind.
  --case ID reruns one case and keeps its input file in the current folder.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      'cli-every': { type: 'string', default: '100' },
      'timeout-ms': { type: 'string', default: '10000' },
      case: { type: 'string' },
      trace: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a non-negative integer, got ${v}`);
    return n;
  };
  const seed = num('seed', values.seed);
  const dir = await mkdtemp(join(tmpdir(), 'satcount-fuzz-'));
  try {
    const only = values.case === undefined ? undefined : num('case', values.case);
    const tally = await runFuzz({
      root: ROOT,
      dir,
      seed,
      cases: num('cases', values.cases),
      cliEvery: num('cli-every', values['cli-every']),
      timeoutMs: num('timeout-ms', values['timeout-ms']),
      only,
      trace: values.trace,
      onProgress: (done, total) => {
        if (done % 1000 === 0 || done === total) process.stderr.write(`fuzz: ${done}/${total}\n`);
      },
      onCase: only === undefined ? undefined : async (c) => {
        const file = `fuzz-case-${c.id}${c.ext}`;
        if (c.bytes) await writeFile(file, c.bytes);
        process.stdout.write(`case #${c.id}: ${c.category} ${c.seed} [${c.mutation}]${c.bytes ? ` → ${file}` : ''}\n`);
      },
    });
    process.stdout.write(formatTally(tally, seed));
    return tally.crashes + tally.hangs + tally.leftovers === 0 ? 0 : 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
