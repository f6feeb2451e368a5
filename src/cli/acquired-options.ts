import type { Command } from 'commander';
import { parseDateFlag, timeFromName, type AcquiredOptions } from '../raster/acquired.js';

/** --date and --date-from-name: where the acquisition time comes from when the files do not say. */
export function addAcquiredOptions(cmd: Command): Command {
  return cmd
    .option('--date <iso>', 'acquisition time of the image(s), ISO 8601 UTC (e.g. 2026-03-14T09:30Z); overrides the files')
    .option('--date-from-name <pattern>', "read the acquisition time from the file name, e.g. '%Y%m%d' or '%y%b%d%H%M%S'");
}

/** The flags, checked before any work: a bad date or pattern is bad usage (exit 2). */
export function acquiredOptionsFrom(flags: { date?: string; dateFromName?: string }): AcquiredOptions {
  if (flags.date !== undefined) parseDateFlag(flags.date);
  if (flags.dateFromName !== undefined) timeFromName('', flags.dateFromName);
  return { date: flags.date, dateFromName: flags.dateFromName };
}
