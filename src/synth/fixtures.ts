import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SynthOptions } from './options.js';
import { writeScene } from './write.js';

/**
 * The shipped fixture scenes. Regenerate them all with `npm run build && npm run fixtures`
 * (or `node dist/synth/fixtures.js <dir>`); output is byte-identical for the same code.
 */
export const FIXTURES: Record<string, { about: string; options: SynthOptions }> = {
  'border-queue': {
    about: 'Quick-start scene: ~1 km straight road, the forward direction jammed in both lanes for most of the image, sparse traffic the other way',
    options: { seed: 101, width: 3400, height: 440, road: 'straight', lanes: 2, queueLength: 950, otherDirection: 'sparse', center: [22.951, 49.8] },
  },
  'curved-road': {
    about: 'S-curved two-lane road, one lane per direction, a 250 m queue',
    options: { seed: 202, width: 1100, height: 1100, road: 'curved', lanes: 1, queueLength: 250, otherDirection: 'sparse', center: [11.507, 47.005] },
  },
  'left-hand': {
    about: 'Left-hand traffic; the queue waits at the start of the road line, so it travels backward',
    options: { seed: 303, width: 1400, height: 700, lanes: 2, queueLength: 300, otherDirection: 'sparse', driveSide: 'left', queueHead: 'start', center: [1.29, 51.127] },
  },
  rgbn16: {
    about: '16-bit 4-band (R, G, B, NIR) scene with 12-bit-like digital numbers and a gain and offset per band, as real products have (one shared stretch shows a green cast)',
    options: { seed: 404, width: 640, height: 512, lanes: 1, queueLength: 140, otherDirection: 'sparse', bands: 'rgbn16', center: [26.318, 41.72] },
  },
  hidden: {
    about: 'A queue with ~12 % of its length under a nodata swath and an opaque cloud',
    options: { seed: 505, width: 1600, height: 640, lanes: 2, queueLength: 420, otherDirection: 'empty', hidden: 0.12 },
  },
};

export async function writeFixtures(dir: string): Promise<Array<{ name: string; bytes: number }>> {
  await mkdir(dir, { recursive: true });
  const sizes: Array<{ name: string; bytes: number }> = [];
  for (const [name, { options }] of Object.entries(FIXTURES)) {
    const { paths } = await writeScene(join(dir, `${name}.tif`), options);
    for (const p of Object.values(paths)) sizes.push({ name: p, bytes: (await stat(p)).size });
  }
  await writeFile(join(dir, 'fixtures.json'), `${JSON.stringify({ generator: 'satcount synth (src/synth/fixtures.ts)', fixtures: FIXTURES }, null, 2)}\n`);
  return sizes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dir = process.argv[2] ?? fileURLToPath(new URL('../../fixtures/', import.meta.url));
  const sizes = await writeFixtures(dir);
  for (const { name, bytes } of sizes) console.log(`${(bytes / 1e6).toFixed(2).padStart(6)} MB  ${name}`);
  console.log(`${(sizes.reduce((s, f) => s + f.bytes, 0) / 1e6).toFixed(2).padStart(6)} MB  total`);
}
