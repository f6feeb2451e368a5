import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured logs go to stderr, synchronously so nothing is lost when the process exits early. */
export function createLogger(level: string = 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
