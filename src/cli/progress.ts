import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';

const require = createRequire(import.meta.url);

/** A tiles-done bar with ETA on a TTY; nothing at all otherwise (logs and pipes stay clean). */
export function tileProgress(enabled: boolean, label: string): { update: (done: number, total: number) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  // Loaded only when a bar is drawn: pipes, --json and --quiet runs start without it.
  const cliProgress = require('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} tiles | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
