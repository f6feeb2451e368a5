import { removePendingTempFiles } from '../io/atomic.js';
import { SatcountError, SettingsError, type OptionName } from '../types.js';
import { createLogger, defaultLogFormat, type LogFormat, type Logger } from '../log.js';

export interface GlobalFlags {
  quiet?: boolean;
  logLevel?: string;
  logFormat?: LogFormat;
  json?: boolean;
}

/** Exit codes as the README lists them ("Exit codes and errors"), plus 70 for an internal error (a bug: please report it). */
export const EXIT = { ok: 0, regression: 1, badInput: 2, model: 3, batchFailures: 4, internal: 70, interrupted: 130 } as const;

export function loggerFor(flags: GlobalFlags): Logger {
  return createLogger(flags.logLevel ?? (flags.quiet ? 'warn' : 'info'), flags.logFormat ?? defaultLogFormat(Boolean(process.stderr.isTTY)));
}

/** The flag that sets each library option a SettingsError can name. */
const FLAG_FOR: Record<OptionName, string> = {
  gsd: '--gsd',
  bands: '--bands',
  stretch: '--stretch',
  maxMegapixels: '--max-megapixels',
  overlap: '--overlap',
  tileSize: '--tile-size',
  'modelOverrides.gsd_m': '--model-gsd',
  'modelOverrides.score_threshold': '--threshold',
  'modelOverrides.nms_iou': '--nms-iou',
  'modelOverrides.threads': '--threads',
  'modelOverrides.tta': '--tta',
  'road.crs': '--road-crs',
  'road.corridor_m': '--corridor',
  'road.maxGap_m': '--max-gap',
  'road.profileBin_m': '--profile-bin',
  iou: '--iou',
  simulateGsd: '--simulate-gsd',
  classes: '--classes',
  labelFormat: '--label-format',
};

/** An error's message as the CLI user should read it: options named by their flags. */
export function userMessage(e: SatcountError): string {
  return e instanceof SettingsError ? e.messageFor(FLAG_FOR[e.option]) : e.message;
}

/** One line on stderr for a failure; a stack trace only at debug level. */
export function reportError(e: unknown, flags: GlobalFlags): number {
  if (e instanceof SatcountError) {
    process.stderr.write(`satcount: ${userMessage(e)}\n`);
    if (flags.logLevel === 'debug' || flags.logLevel === 'trace') process.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  if ((e as Error)?.name === 'AbortError') {
    process.stderr.write('satcount: interrupted\n');
    return EXIT.interrupted;
  }
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`satcount: internal error: ${message.split('\n')[0]} (run with --log-level debug for details)\n`);
  if (flags.logLevel === 'debug' || flags.logLevel === 'trace') process.stderr.write(`${(e as Error)?.stack}\n`);
  return EXIT.internal;
}

/**
 * SIGINT/SIGTERM: remove the temp files being written, exit 130 at once. Waiting for the work in
 * flight to unwind could take a whole tile's inference; every finished output is already complete
 * (written atomically), so nothing else needs saving.
 */
export function installSignalHandlers(controller: AbortController): void {
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort();
    removePendingTempFiles();
    process.stderr.write(`satcount: interrupted (${signal})\n`);
    process.exit(EXIT.interrupted);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal); // bin/satcount.js's handler for the start-up window
    process.once(signal, onSignal);
  }
}

/** Wraps a command action: errors become one line and the contract's exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    // commander passes (...arguments, options, command); options lack the program-level flags.
    const cmd = args[args.length - 1] as { optsWithGlobals?: () => GlobalFlags };
    const flags = cmd.optsWithGlobals?.() ?? {};
    if (args.length >= 2) args[args.length - 2] = flags;
    let code: number;
    try {
      code = (await fn(...args)) ?? EXIT.ok;
    } catch (e) {
      code = reportError(e, flags);
    }
    process.exitCode = code;
  };
}
