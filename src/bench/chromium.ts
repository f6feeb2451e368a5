import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON
 * messages ending in a NUL byte on file descriptors 3 and 4), so no WebSocket client and no
 * downloaded browser are needed: Debian's `chromium` package is enough. For the report's browser
 * test and its open-time figure.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The browser to use: $CHROMIUM, else the first of the usual Debian paths that exists, else null. */
export function findChromium(): string | null {
  const env = process.env.CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

interface Pending {
  resolve: (v: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export interface Page {
  /** Navigates and resolves when the load event fired; returns milliseconds from navigate to load. */
  open(url: string): Promise<number>;
  /** Evaluates an expression in the page (promises awaited) and returns its value. */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Waits until the expression is truthy; returns the milliseconds waited. */
  waitFor(expression: string, timeoutMs?: number): Promise<number>;
  /** PNG screenshot of the viewport. */
  screenshot(): Promise<Buffer>;
  /** Console errors, uncaught exceptions and failed loads seen so far, one line each. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(executable: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const profile = mkdtempSync(join(tmpdir(), 'satcount-chromium-'));
  const child: ChildProcess = spawn(
    executable,
    [
      '--headless',
      '--remote-debugging-pipe',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-background-networking',
      '--hide-scrollbars',
      `--window-size=${viewport.width},${viewport.height}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, Pending>();
  const listeners: ((method: string, params: Record<string, unknown>, session?: string) => void)[] = [];
  let nextId = 1;
  let buffered = Buffer.alloc(0);
  let exited: Error | null = null;

  fromBrowser.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const msg = JSON.parse(buffered.subarray(0, end).toString('utf8')) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      buffered = buffered.subarray(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result ?? {});
      } else if (msg.method) {
        for (const l of listeners) l(msg.method, msg.params ?? {}, msg.sessionId);
      }
    }
  });
  child.on('exit', (code) => {
    exited = new Error(`chromium exited (${code})`);
    for (const p of pending.values()) p.reject(exited);
    pending.clear();
  });

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      toBrowser.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    });

  const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  const call = (method: string, params: Record<string, unknown> = {}) => send(method, params, sessionId);

  const errors: string[] = [];
  listeners.push((method, params) => {
    if (method === 'Runtime.consoleAPICalled' && (params.type === 'error' || params.type === 'assert')) {
      errors.push(`console.${params.type}: ${JSON.stringify((params.args as { value?: unknown; description?: string }[]).map((a) => a.value ?? a.description))}`);
    } else if (method === 'Runtime.exceptionThrown') {
      const d = params.exceptionDetails as { text: string; exception?: { description?: string } };
      errors.push(`exception: ${d.exception?.description ?? d.text}`);
    } else if (method === 'Log.entryAdded') {
      const e = params.entry as { level: string; text: string; url?: string };
      if (e.level === 'error') errors.push(`log: ${e.text}${e.url ? ` (${e.url})` : ''}`);
    }
  });
  await Promise.all([call('Page.enable'), call('Runtime.enable'), call('Log.enable')]);
  await call('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false });

  const waitEvent = (name: string) =>
    new Promise<void>((resolve) => {
      const l = (method: string) => {
        if (method !== name) return;
        listeners.splice(listeners.indexOf(l), 1);
        resolve();
      };
      listeners.push(l);
    });

  const evaluate = async <T>(expression: string): Promise<T> => {
    const r = (await call('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value as T;
  };

  return {
    errors,
    async open(url) {
      const loaded = waitEvent('Page.loadEventFired');
      const t0 = performance.now();
      await call('Page.navigate', { url });
      await loaded;
      return performance.now() - t0;
    },
    evaluate,
    async waitFor(expression, timeoutMs = 15_000) {
      const t0 = performance.now();
      while (!(await evaluate<boolean>(`!!(${expression})`))) {
        if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return performance.now() - t0;
    },
    async screenshot() {
      const r = (await call('Page.captureScreenshot', { format: 'png' })) as { data: string };
      return Buffer.from(r.data, 'base64');
    },
    async close() {
      if (!exited) {
        await send('Browser.close').catch(() => undefined);
        await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
      }
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
