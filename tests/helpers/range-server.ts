import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does instead of answering, for the next few requests. */
export type Fault = 503 | 429 | 'reset' | 'cut' | 'hang';

/**
 * A static file server on 127.0.0.1 (random port) that honours single Range requests and counts
 * what it sends, for testing remote reads without a network. Files are served from memory.
 */
export interface RangeServer {
  /** URL of a served file. */
  url(name: string): string;
  /** Body bytes sent since start or the last `resetCounters()`. */
  readonly bytesSent: number;
  readonly requests: number;
  resetCounters(): void;
  /** The next `count` requests fail as `fault` ('cut': half the body, then the connection drops). */
  failNext(count: number, fault: Fault): void;
  /** Always answer `name` with this status and no body (e.g. 403, 404). */
  setStatus(name: string, status: number): void;
  /** Answer every request with the whole file (200), as a server without Range support does. */
  ignoreRange: boolean;
  close(): Promise<void>;
}

export async function startRangeServer(files: Record<string, string>): Promise<RangeServer> {
  const data = new Map(Object.entries(files).map(([name, path]) => [name, readFileSync(path)]));
  const statuses = new Map<string, number>();
  const faults: Fault[] = [];
  let bytesSent = 0;
  let requests = 0;
  let ignoreRange = false;

  function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body: Buffer): void {
    res.writeHead(status, { ...headers, 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
    bytesSent += body.length;
    res.end(body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requests++;
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    const file = data.get(name);
    const fault = faults.shift();
    if (fault === 'hang') return;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 503 || fault === 429) return send(res, fault, {}, Buffer.alloc(0));
    const status = statuses.get(name);
    if (status !== undefined) return send(res, status, {}, Buffer.alloc(0));
    if (!file) return send(res, 404, {}, Buffer.alloc(0));
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (ignoreRange || !range) return send(res, 200, {}, file);
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : Infinity, file.length - 1);
    if (start >= file.length) return send(res, 416, { 'Content-Range': `bytes */${file.length}` }, Buffer.alloc(0));
    const body = file.subarray(start, end + 1);
    if (fault === 'cut') {
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${file.length}`, 'Content-Length': body.length });
      const half = body.subarray(0, Math.floor(body.length / 2));
      bytesSent += half.length;
      res.write(half, () => req.socket.destroy());
      return;
    }
    send(res, 206, { 'Content-Range': `bytes ${start}-${end}/${file.length}` }, body);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `http://127.0.0.1:${port}/${encodeURIComponent(name)}`,
    get bytesSent() {
      return bytesSent;
    },
    get requests() {
      return requests;
    },
    resetCounters() {
      bytesSent = 0;
      requests = 0;
    },
    failNext(count, fault) {
      faults.push(...Array<Fault>(count).fill(fault));
    },
    setStatus(name, status) {
      statuses.set(name, status);
    },
    get ignoreRange() {
      return ignoreRange;
    },
    set ignoreRange(on: boolean) {
      ignoreRange = on;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
