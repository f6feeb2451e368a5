import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeoTIFF } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpRangeSource } from '../src/raster/sources/http.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import { SatcountError } from '../src/types.js';
import { satcount } from './helpers/cli.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';
import { BLOB_MODEL, squaresRgb, toLonLat, UTM33_GT, writeSquaresTiff, type Square } from './helpers/scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-remote-'));
const GSD = 0.3;

const small = join(dir, 'small.tif');
const smallSquares: Square[] = [[100, 100], [400, 250], [700, 120], [1000, 600], [250, 700]];

// A 4000×4000 scene with a road along row 2000, textured ground so that tiles do not compress to
// nothing (a flat scene would be mostly metadata and make any byte ratio meaningless).
const big = join(dir, 'big.tif');
const BIG = 4000;
const ROAD_Y = 2000;
const onRoad: Square[] = Array.from({ length: 19 }, (_, i) => [200 + i * 200, ROAD_Y + 2.5 / GSD]);
const farAway: Square[] = [[500, 300], [3500, 3700]];

async function writeBigScene(): Promise<void> {
  const squares = [...onRoad, ...farAway];
  await writeGeoTiff(
    big,
    { width: BIG, height: BIG, bands: 3, dtype: 'uint8', tileSize: 256, epsg: 32633, geoTransform: UTM33_GT, overviews: [2, 4, 8, 16], compressionLevel: 1 },
    (x0, y0, w, h) => {
      const inside = squares.filter(([cx, cy]) => cx + 8 > x0 && cx - 8 < x0 + w && cy + 8 > y0 && cy - 8 < y0 + h);
      const rgb = squaresRgb(w, h, inside.map(([cx, cy]) => [cx - x0, cy - y0]));
      let seed = (x0 * 7919 + y0 * 104729) | 1;
      for (let i = 0; i < rgb.length; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        if (rgb[i] === 40) rgb[i] = 32 + (seed & 15);
      }
      return rgb;
    },
  );
}

const roadFile = join(dir, 'road.geojson');
const lonLat = (x: number, y: number) => toLonLat(UTM33_GT[0] + x * GSD, UTM33_GT[3] - y * GSD);

let server: RangeServer;

beforeAll(async () => {
  await writeSquaresTiff(small, 1200, 800, smallSquares);
  await writeBigScene();
  writeFileSync(roadFile, JSON.stringify({ type: 'LineString', coordinates: [lonLat(0, ROAD_Y), lonLat(BIG, ROAD_Y)] }));
  server = await startRangeServer({ 'small.tif': small, 'big.tif': big });
  server.setStatus('secret.tif', 403);
});

afterAll(() => server?.close());

const count = async (image: string, ...args: string[]) => {
  const r = await satcount(['count', image, '--model', BLOB_MODEL, '--json', ...args]);
  expect(r.stderr).not.toMatch(/internal error/);
  return { ...r, result: r.code === 0 ? JSON.parse(r.stdout) : null };
};

describe('remote COGs over HTTP range requests', () => {
  it('counts a URL exactly as the same file on disk', async () => {
    const local = await count(small);
    server.resetCounters();
    const remote = await count(server.url('small.tif'));
    expect(remote.code).toBe(0);
    expect(remote.result.counts).toEqual(local.result.counts);
    expect(remote.result.counts.total).toBe(smallSquares.length);
    expect(remote.result.detections).toEqual(local.result.detections);
    expect(remote.result.image.path).toBe(server.url('small.tif'));
  });

  it('reads only the corridor of a large scene with --road', async () => {
    server.resetCounters();
    const { code, result, stderr } = await count(server.url('big.tif'), '--road', roadFile, '--corridor', '15');
    expect(code, stderr).toBe(0);
    expect(result.counts.on_road).toBe(onRoad.length);
    expect(result.counts.total).toBe(onRoad.length);
    const size = statSync(big).size;
    console.log(`corridor run: ${server.bytesSent} of ${size} bytes (${((100 * server.bytesSent) / size).toFixed(1)} %) in ${server.requests} requests`);
    expect(server.bytesSent).toBeLessThan(0.25 * size);
  });

  it('retries 503s and dropped connections, then succeeds', async () => {
    server.failNext(1, 503);
    server.failNext(1, 'reset');
    server.failNext(1, 'cut');
    server.resetCounters();
    const { code, result, stderr } = await count(server.url('small.tif'));
    expect(code, stderr).toBe(0);
    expect(result.counts.total).toBe(smallSquares.length);
    // The small file is one block: three failed tries, then the one that worked.
    expect(server.requests).toBe(4);
  });

  it('fails with one line naming the URL on 403 and 404 (exit 2)', async () => {
    for (const [name, message] of [['secret.tif', 'access denied (HTTP 403)'], ['missing.tif', 'not found (HTTP 404)']]) {
      const r = await count(server.url(name));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`${server.url(name)}: ${message}`);
    }
  });

  it('describes a URL with info', async () => {
    const remote = await satcount(['info', server.url('big.tif'), '--json']);
    const local = await satcount(['info', big, '--json']);
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout));
    expect(JSON.parse(remote.stdout)).toMatchObject({ width: BIG, height: BIG, overviews: 4 });
  });
});

describe('HttpRangeSource', () => {
  const open = (name: string, opts = {}) => new HttpRangeSource(server.url(name), { retryDelayMs: 5, ...opts });
  const firstBytes = (n: number) => new Uint8Array(readFileSync(small).subarray(0, n));

  it('reads the bytes asked for, zero past the end, and learns the file size', async () => {
    const src = open('small.tif');
    const size = statSync(small).size;
    const [head, tail] = await src.fetch([{ offset: 0, length: 100 }, { offset: size - 10, length: 30 }]);
    expect(new Uint8Array(head)).toEqual(firstBytes(100));
    expect(new Uint8Array(tail).subarray(10)).toEqual(new Uint8Array(20));
    expect(src.fileSize).toBe(size);
  });

  it('gives up after its tries with the last failure, in a bounded number of requests', async () => {
    server.resetCounters();
    server.failNext(3, 503);
    const err = await open('small.tif', { tries: 3 }).fetch([{ offset: 0, length: 10 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SatcountError);
    expect((err as Error).message).toBe(`${server.url('small.tif')}: HTTP 503 Service Unavailable, gave up after 3 tries`);
    expect(server.requests).toBe(3);
  });

  it('retries a request that gets no answer within the timeout', async () => {
    server.failNext(1, 'hang');
    server.failNext(1, 429);
    const [head] = await open('small.tif', { timeoutMs: 300 }).fetch([{ offset: 0, length: 100 }]);
    expect(new Uint8Array(head)).toEqual(firstBytes(100));
  });

  it('keeps a small file a server sent whole, and refuses a large one', async () => {
    server.ignoreRange = true;
    try {
      const tiff = await GeoTIFF.fromSource(open('small.tif'));
      expect((await tiff.getImage()).getWidth()).toBe(1200);
      const err = await open('big.tif', { maxWholeFileBytes: 1e6 }).fetch([{ offset: 0, length: 100 }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SatcountError);
      expect((err as Error).message).toMatch(/big\.tif: the server ignores HTTP Range requests and the file \(\d+(\.\d+)? MB\) is too large/);
    } finally {
      server.ignoreRange = false;
    }
  });
});
