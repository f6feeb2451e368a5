import pino, { type Logger } from 'pino';

export type { Logger };

export type LogFormat = 'text' | 'json';

/** Text for people at a terminal; JSON lines for files, pipes and log collectors. */
export function defaultLogFormat(stderrIsTty: boolean): LogFormat {
  return stderrIsTty ? 'text' : 'json';
}

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
/** pino's own fields, shown as the line's level and message rather than as key fields. */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

function fieldText(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (v !== null && typeof v === 'object' && 'message' in v) return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v);
}

/**
 * One pino JSON line as one readable line: "warning: <message>  key=value …". Info lines carry
 * no level word (they are the normal case); key fields follow the message.
 */
export function textLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const level = LEVEL_NAMES[entry.level as number] ?? String(entry.level);
  const fields = Object.entries(entry)
    .filter(([k, v]) => !OWN_FIELDS.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  const head = level === 'info' ? '' : `${level}: `;
  return `${head}${String(entry.msg ?? '')}${fields.length > 0 ? `  (${fields.join(', ')})` : ''}\n`;
}

/** Logs go to stderr, synchronously so nothing is lost when the process exits early. */
export function createLogger(level: string = 'info', format: LogFormat = 'json'): Logger {
  const stderr = pino.destination({ dest: 2, sync: true });
  if (format === 'json') return pino({ level, base: undefined }, stderr);
  return pino({ level, base: undefined }, { write: (line: string) => stderr.write(textLine(line)) });
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
