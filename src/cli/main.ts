import { format } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { removePendingTempFiles } from '../io/atomic.js';
import { EXIT, installSignalHandlers } from './run-command.js';

/**
 * commander's usage errors in satcount's style: one `satcount: …` line (exit 2 comes from main).
 * "error: option '--threshold <score>' argument '2' is invalid. expected …" becomes
 * "satcount: --threshold 2: expected …"; a "(Did you mean …?)" hint joins the same line.
 */
export function usageErrorLine(message: string): string {
  const text = message.replace(/^error: /, '').trim().split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  const invalid = /^option '(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/.exec(text);
  return `satcount: ${invalid ? `${invalid[1]} ${invalid[2]}: ${invalid[3]}` : text}\n`;
}

function writeUsageError(message: string, write: (s: string) => void): void {
  write(usageErrorLine(message));
}

/**
 * The commands in help order, each behind a dynamic import: a run loads the module of the command
 * it names and nothing of the others (a count loads 153 modules instead of 170: eval's
 * tables, batch's globbing, synth's and series' parsers). Help, a typo or no command loads them all.
 */
const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: (signal: AbortSignal) => Promise<Command[]> }> = [
  { names: ['count'], load: async (signal) => [(await import('./commands/count.js')).countCommand(signal)] },
  { names: ['info'], load: async () => [(await import('./commands/info.js')).infoCommand()] },
  {
    names: ['batch', 'summary'],
    load: async (signal) => {
      const { batchCommand, summaryCommand } = await import('./commands/batch.js');
      return [batchCommand(signal), summaryCommand()];
    },
  },
  { names: ['series'], load: async (signal) => [(await import('./commands/series.js')).seriesCommand(signal)] },
  { names: ['check'], load: async (signal) => [(await import('./commands/check.js')).checkCommand(signal)] },
  { names: ['eval'], load: async (signal) => [(await import('./commands/eval.js')).evalCommand(signal)] },
  { names: ['synth'], load: async () => [(await import('./commands/synth.js')).synthCommand()] },
];

/** Global options that take a value as the next argument (`--log-level debug`). */
const GLOBAL_VALUE_OPTIONS = new Set(['--log-level', '--log-format']);

/** The command word of `satcount [global options] <command> …`, or undefined when there is none. */
export function commandName(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return arg;
    if (GLOBAL_VALUE_OPTIONS.has(arg)) i++;
  }
  return undefined;
}

export async function buildProgram(signal: AbortSignal, args: readonly string[] = []): Promise<Command> {
  const program = new Command('satcount')
    .description('Count vehicles in satellite imagery: detections, counts, queues and lane directions')
    .version(VERSION)
    .option('--json', 'print the result JSON on stdout, nothing else there')
    .option('--quiet', 'log warnings and errors only')
    .addOption(new Option('--log-level <level>', 'log level (logs go to stderr)').choices(['trace', 'debug', 'info', 'warn', 'error', 'silent']))
    .addOption(new Option('--log-format <format>', 'log lines as readable text or JSON (default: text on a terminal, JSON otherwise)').choices(['text', 'json']))
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: writeUsageError })
    .addHelpText(
      'after',
      `
Exit codes: 0 ok · 1 regression (check) or accuracy floor missed (eval --min-f1) · 2 bad usage or input
            3 model problem · 4 batch finished with failures · 130 interrupted · 70 internal error (a bug)

Examples:
  $ satcount count fixtures/border-queue.tif --road fixtures/border-queue.road.geojson
  $ satcount info scene.tif --json`,
    );
  const name = commandName(args);
  const named = COMMANDS.filter((c) => name !== undefined && c.names.includes(name));
  for (const { load } of named.length ? named : COMMANDS) {
    for (const sub of await load(signal)) program.addCommand(sub);
  }
  for (const sub of program.commands) {
    sub.configureHelp({ showGlobalOptions: true }).configureOutput({ outputError: writeUsageError });
  }
  return program;
}

/**
 * stdout carries only the result (`--json` is piped into jq and files). Libraries that print
 * anyway (proj4 reports missing datum grids with console.log) are sent to stderr.
 */
function keepStdoutForResults(): void {
  const toStderr = (...args: unknown[]) => void process.stderr.write(format(...args) + '\n');
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/**
 * `satcount count … --json | head -c 50`: once the reader has gone, the rest of the output has
 * nowhere to go. End quietly, as git and gdalinfo do, with the code the run had (0 if it had
 * none yet), and no temp files left behind.
 */
function endQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    removePendingTempFiles();
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  });
}

export async function main(argv: string[]): Promise<void> {
  keepStdoutForResults();
  endQuietlyOnClosedStdout();
  const controller = new AbortController();
  installSignalHandlers(controller);
  const program = await buildProgram(controller.signal, argv.slice(2));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad usage.
      process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
      return;
    }
    throw e;
  }
}
