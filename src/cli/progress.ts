import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';

const require = createRequire(import.meta.url);

/**
 * "45s", "5m05s", "2h07m". cli-progress rounds the remainder on its own ("5m60s" for 359.7 s);
 * rounding the whole duration first cannot carry like that.
 */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s >= 3600) {
    const m = Math.round(s / 60);
    return `${Math.floor(m / 60)}h${pad(m % 60)}m`;
  }
  if (s >= 60) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${s}s`;
}

interface Bar {
  update: (done: number, total: number, payload?: Record<string, unknown>) => void;
  stop: () => void;
}

/** A bar with ETA on a TTY; nothing at all otherwise (logs and pipes stay clean). */
function bar(enabled: boolean, format: string): Bar {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  // Loaded only when a bar is drawn: pipes, --json and --quiet runs start without it.
  const cliProgress = require('cli-progress') as typeof cliProgressModule;
  const b = new cliProgress.SingleBar(
    {
      format,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
      formatTime: (t: number) => formatEta(t),
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, payload) {
      if (!started) {
        b.start(total, done, payload);
        started = true;
      } else b.update(done, payload);
    },
    stop() {
      if (started) b.stop();
    },
  };
}

/** Tiles done of one image. */
export function tileProgress(enabled: boolean, label: string): Bar {
  return bar(enabled, `${label} [{bar}] {value}/{total} tiles | ETA {eta_formatted}`);
}

/** Images done of a batch, with failures so far. */
export function batchProgress(enabled: boolean): Bar {
  return bar(enabled, 'batch [{bar}] {value}/{total} images | {failed} failed | ETA {eta_formatted}');
}

/** Whether bars will draw: a terminal on stderr, and the user did not ask for quiet or JSON. */
export function barsShown(flags: { quiet?: boolean; json?: boolean }): boolean {
  return !flags.quiet && !flags.json && Boolean(process.stderr.isTTY);
}
