import { setTimeout as sleep } from 'node:timers/promises';
import type { GeoTIFF } from 'geotiff';
import { SatcountError } from '../../types.js';

/** What geotiff reads bytes through (its BaseSource, which the package does not export). */
export type ByteSource = Parameters<typeof GeoTIFF.fromSource>[0];

export interface HttpOptions {
  /** Attempts per request, the first included. */
  tries?: number;
  /** Wait before the first retry; doubled before each later one, ±20 % jitter. */
  retryDelayMs?: number;
  /** Limit on one request, body included. */
  timeoutMs?: number;
  /** Largest file accepted whole from a server that ignores Range requests. */
  maxWholeFileBytes?: number;
}

const DEFAULTS: Required<HttpOptions> = {
  tries: 5,
  retryDelayMs: 200,
  timeoutMs: 30_000,
  maxWholeFileBytes: 32 * 1024 * 1024,
};

/**
 * Bytes are fetched and cached in aligned blocks, so geotiff's many tiny reads (a tile's offset
 * and byte count, 4–8 bytes each) share a request, while a tile costs little more than its size.
 */
const BLOCK = 16 * 1024;
const CACHE_BLOCKS = 1024;
/** Requests in flight per file: enough to hide latency, few enough not to provoke a 429. */
const MAX_IN_FLIGHT = 8;

/** A failure worth another try (5xx, 429, reset, timeout); its message says what happened. */
class TransientError extends Error {}

interface Fetched {
  /** File offset of `data[0]`. */
  offset: number;
  data: Uint8Array;
}

const megabytes = (n: number) => `${Number((n / 1e6).toPrecision(3))} MB`;

/** Why a fetch threw, in a few words: the socket error code where there is one. */
function networkReason(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return `connection failed (${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))})`;
}

/**
 * A read-only byte source over one http(s) URL using Range requests, with retries, a per-request
 * timeout and a bounded block cache. HTTP failures the user must fix become one-line SatcountErrors
 * naming the URL; geotiff would otherwise reduce them to "Request failed".
 */
export class HttpRangeSource implements ByteSource {
  private size: number | null = null;
  /** The whole file, when the server ignored Range and the file was small enough to keep. */
  private whole: Uint8Array | null = null;
  /** Block index → bytes; insertion order is recency, for eviction. */
  private readonly blocks = new Map<number, Promise<Uint8Array>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly opts: Required<HttpOptions>;

  constructor(
    readonly url: string,
    opts: HttpOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  get fileSize(): number | null {
    return this.size;
  }

  fetch(slices: { offset: number; length: number }[], signal?: AbortSignal): Promise<ArrayBuffer[]> {
    return Promise.all(slices.map((s) => this.read(s.offset, s.length, signal)));
  }

  async fetchSlice(slice: { offset: number; length: number }, signal?: AbortSignal) {
    return { ...slice, data: await this.read(slice.offset, slice.length, signal) };
  }

  async close(): Promise<void> {
    this.blocks.clear();
    this.whole = null;
  }

  /** `length` bytes from `offset`; bytes past the end of the file read as 0, as geotiff expects. */
  private async read(offset: number, length: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    const out = new Uint8Array(length);
    const end = Math.min(offset + length, this.size ?? Infinity);
    if (end <= offset) return out.buffer;
    if (this.whole) {
      out.set(this.whole.subarray(offset, end));
      return out.buffer;
    }
    const first = Math.floor(offset / BLOCK);
    const last = Math.floor((end - 1) / BLOCK);
    this.requestMissing(first, last, signal);
    // Taken before any await, so eviction by a concurrent read cannot lose them.
    const parts: Promise<Uint8Array>[] = [];
    for (let b = first; b <= last; b++) parts.push(this.touch(b));
    this.evict();
    for (let b = first; b <= last; b++) {
      const bytes = await parts[b - first];
      const from = Math.max(offset, b * BLOCK);
      const to = Math.min(offset + length, b * BLOCK + bytes.length);
      if (to > from) out.set(bytes.subarray(from - b * BLOCK, to - b * BLOCK), from - offset);
    }
    return out.buffer;
  }

  /** The block's bytes, marked most recently used. */
  private touch(b: number): Promise<Uint8Array> {
    const p = this.blocks.get(b)!;
    this.blocks.delete(b);
    this.blocks.set(b, p);
    return p;
  }

  private evict(): void {
    for (const key of this.blocks.keys()) {
      if (this.blocks.size <= CACHE_BLOCKS) return;
      this.blocks.delete(key);
    }
  }

  /** Starts one request per run of consecutive blocks in [first, last] not cached or in flight. */
  private requestMissing(first: number, last: number, signal?: AbortSignal): void {
    for (let b = first; b <= last; b++) {
      if (this.blocks.has(b)) continue;
      let runEnd = b;
      while (runEnd < last && !this.blocks.has(runEnd + 1)) runEnd++;
      const fetched = this.request(b * BLOCK, Math.min((runEnd + 1) * BLOCK, this.size ?? Infinity) - 1, signal);
      for (let i = b; i <= runEnd; i++) {
        const p = fetched.then(({ offset, data }) => data.subarray(i * BLOCK - offset, (i + 1) * BLOCK - offset));
        // Handled here so a failed run's other blocks raise no unhandled rejection; the reader
        // awaiting them still sees the error, and a later read asks again.
        p.catch(() => {
          if (this.blocks.get(i) === p) this.blocks.delete(i);
        });
        this.blocks.set(i, p);
      }
      b = runEnd;
    }
  }

  /** Bytes start..end (inclusive), retrying transient failures with exponential backoff. */
  private async request(start: number, end: number, signal?: AbortSignal): Promise<Fetched> {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await this.limited(() => this.once(start, end, signal));
      } catch (err) {
        if (!(err instanceof TransientError) || signal?.aborted) throw err;
        if (attempt >= this.opts.tries) throw new SatcountError(`${this.url}: ${err.message}, gave up after ${attempt} tries`);
      }
      const delay = this.opts.retryDelayMs * 2 ** (attempt - 1) * (0.8 + 0.4 * Math.random());
      await sleep(delay, undefined, { signal });
    }
  }

  private async limited<T>(job: () => Promise<T>): Promise<T> {
    while (this.active >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async once(start: number, end: number, signal?: AbortSignal): Promise<Fetched> {
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    try {
      const res = await fetch(this.url, {
        // Identity: byte ranges of a compressed transfer would not be the file's bytes.
        headers: { Range: `bytes=${start}-${end}`, 'Accept-Encoding': 'identity' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return await this.answer(res, start);
    } catch (err) {
      if (err instanceof SatcountError || err instanceof TransientError || signal?.aborted) throw err;
      if (timeout.aborted) throw new TransientError(`no complete answer within ${this.opts.timeoutMs / 1000} s`);
      throw new TransientError(networkReason(err));
    }
  }

  private async answer(res: Response, start: number): Promise<Fetched> {
    const { status } = res;
    if (status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
      if (!range || Number(range[1]) !== start) {
        await res.body?.cancel();
        throw new SatcountError(`${this.url}: the server answered a Range request with other bytes (Content-Range: ${res.headers.get('content-range')})`);
      }
      if (range[3] !== '*') this.size = Number(range[3]);
      return { offset: start, data: new Uint8Array(await res.arrayBuffer()) };
    }
    if (status === 200) return this.wholeFile(res);
    await res.body?.cancel();
    if (status === 416) {
      // Asked for bytes past the end: the answer carries the size ("bytes */N").
      const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
      if (total) this.size = Number(total[1]);
      return { offset: start, data: new Uint8Array(0) };
    }
    if (status === 401 || status === 403) throw new SatcountError(`${this.url}: access denied (HTTP ${status})`);
    if (status === 404 || status === 410) throw new SatcountError(`${this.url}: not found (HTTP ${status})`);
    if (status === 408 || status === 429 || status >= 500) throw new TransientError(`HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`);
    throw new SatcountError(`${this.url}: unexpected HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`);
  }

  /** A 200 to a Range request: the server sends the whole file. Kept when small, refused otherwise. */
  private async wholeFile(res: Response): Promise<Fetched> {
    const length = Number(res.headers.get('content-length') ?? NaN);
    if (!(length <= this.opts.maxWholeFileBytes)) {
      await res.body?.cancel();
      const size = Number.isFinite(length) ? megabytes(length) : 'of unknown size';
      throw new SatcountError(
        `${this.url}: the server ignores HTTP Range requests and the file (${size}) is too large to download whole; serve it from a server that supports Range requests, or download it first`,
      );
    }
    const data = new Uint8Array(await res.arrayBuffer());
    this.whole = data;
    this.size = data.length;
    this.blocks.clear();
    return { offset: 0, data };
  }
}
