import { format } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { countCommand } from './commands/count.js';
import { infoCommand } from './commands/info.js';
import { batchCommand, summaryCommand } from './commands/batch.js';
import { checkCommand } from './commands/check.js';
import { evalCommand } from './commands/eval.js';
import { synthCommand } from './commands/synth.js';
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

export function buildProgram(signal: AbortSignal): Command {
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
  program.addCommand(countCommand(signal));
  program.addCommand(infoCommand());
  program.addCommand(batchCommand(signal));
  program.addCommand(summaryCommand());
  program.addCommand(checkCommand(signal));
  program.addCommand(evalCommand(signal));
  program.addCommand(synthCommand());
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
  const program = buildProgram(controller.signal);
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
