import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsFromMetadata } from '../src/detect/metadata.js';
import { humanSummary } from '../src/cli/commands/count.js';
import { checkPixelSize } from '../src/pipeline/pixel-size.js';
import { countByClass, type CountResult } from '../src/pipeline/result.js';
import { writeGeoTiff } from '../src/raster/tiff/write-geotiff.js';
import type { Detection, ModelInfo } from '../src/types.js';
import { satcount } from './helpers/cli.js';
import { writeSquaresPng, writeSquaresTiff } from './helpers/scenes.js';

/** Issue 15 ("a user's first hour"): silent wrong answers turned into refusals or warnings. */

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'satcount-first-hour-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const small = join(dir, 'small.tif');
const grey = join(dir, 'grey.tif');
const png = join(dir, 'small.png');

beforeAll(async () => {
  await writeSquaresTiff(small, 256, 256, [[60, 60], [180, 120]]);
  await writeSquaresPng(png, 120, 80, [[40, 40]]);
  // One 16-bit band, as a panchromatic tile comes.
  await writeGeoTiff(grey, { width: 256, height: 256, bands: 1, dtype: 'uint16', epsg: 32633, geoTransform: [500000, 0.5, 0, 5500000, 0, -0.5] }, (x0, y0, w, h) =>
    Uint16Array.from({ length: w * h }, (_, i) => 300 + (((x0 + (i % w)) * 13 + (y0 + Math.floor(i / w)) * 7) % 900)),
  );
});

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('satcount:'));
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('pixel size against the model (item 1)', () => {
  it("refuses an image far coarser than the model's range before reading a tile: exit 2, one line, no output file", async () => {
    const out = join(dir, 'coarse.json');
    const r = await satcount(['count', small, '--gsd', '30', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(errorLines(r.stderr)).toEqual([
      `satcount: ${small}: pixel size 30 m is far coarser than the 0.25–0.5 m the model satcount-vehicles was validated on (a car would be under 6 px); use imagery of 0.5 m or finer, or pass --force to count anyway`,
    ]);
    expect(r.stderr).not.toMatch(/reading \d+ tile/);
    expect(existsSync(out)).toBe(false);
  });

  it('counts with --force, saying so in warnings[] and once on stderr', async () => {
    const r = await satcount(['count', small, '--gsd', '1', '--force', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.warnings).toEqual([expect.stringMatching(/pixel size 1 m is far coarser .*counted anyway \(--force\)/)]);
    expect(occurrences(r.stderr, 'counted anyway')).toBe(1);
    expect(result.params.force).toBe(true);
  });

  it('warns just outside the range, and says up front how many tiles it reads', async () => {
    const r = await satcount(['count', small, '--gsd', '0.6', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.warnings).toEqual([`${small}: pixel size 0.6 m is coarser than the 0.25–0.5 m the model satcount-vehicles was validated on; counts may be low`]);
    expect(occurrences(r.stderr, 'counts may be low')).toBe(1);
    expect(result.timing.tiles_planned).toBeGreaterThan(0);
    expect(r.stderr).toContain(`"msg":"reading ${result.timing.tiles_planned} tile`);
    expect(result.model.gsd_range_m).toEqual([0.25, 0.5]);
  });

  it('says a much finer image is resampled, without a warning', async () => {
    const r = await satcount(['count', small, '--gsd', '0.1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).warnings).toEqual([]);
    expect(r.stderr).toContain('pixel size 0.1 m is finer than the model');
    expect(r.stderr).toContain('resampled 3.0× down');
  });

  it('reads gsd_range_m from model metadata and checks it', () => {
    expect(settingsFromMetadata({ satcount: JSON.stringify({ gsd_range_m: [0.1, 0.2] }) }, 'm.onnx').gsd_range_m).toEqual([0.1, 0.2]);
    expect(() => settingsFromMetadata({ satcount: JSON.stringify({ gsd_range_m: [0.5, 0.2] }) }, 'm.onnx')).toThrow(/gsd_range_m must be \[finest, coarsest\]/);
    const model = { name: 'other', gsd_m: 0.15, gsd_range_m: [0.15, 0.15] } as ModelInfo;
    expect(checkPixelSize('a.tif', 0.15, model)).toEqual({ warnings: [], notes: [] });
    expect(checkPixelSize('a.tif', 0.3, model).warnings).toEqual(['a.tif: pixel size 0.3 m is coarser than the 0.15 m the model other was validated on; counts may be low']);
    expect(() => checkPixelSize('a.tif', 0.9, model)).toThrow(/far coarser/);
  });
});

describe('single-band input (item 2)', () => {
  it('warns once on stderr and in warnings[] that one grey band is not what the model knows', async () => {
    const r = await satcount(['count', grey, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.warnings).toEqual([expect.stringContaining('one band shown as grey (panchromatic?); the model was trained on colour (RGB) images only')]);
    expect(occurrences(r.stderr, 'one band shown as grey')).toBe(1);
  });

  it('carries the warning into the batch summary', async () => {
    const inDir = join(dir, 'batch-in');
    mkdirSync(inDir);
    writeFileSync(join(inDir, 'grey.tif'), readFileSync(grey));
    writeFileSync(join(inDir, 'rgb.tif'), readFileSync(small));
    const outDir = join(dir, 'batch-out');
    const r = await satcount(['batch', inDir, '--out-dir', outDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 images: 2 counted, 0 up to date, 0 failed, 1 with warnings/);
    const summary = JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8'));
    const byName = Object.fromEntries(summary.rows.map((row: { image: string; warnings: string[] }) => [row.image.split('/').pop(), row.warnings]));
    expect(byName['grey.tif']).toEqual([expect.stringContaining('one band shown as grey')]);
    expect(byName['rgb.tif']).toEqual([]);
    const csv = readFileSync(join(outDir, 'summary.csv'), 'utf8').split('\n');
    expect(csv[0].split(',').pop()).toBe('warnings');
    expect(csv.find((l) => l.includes('grey.tif'))).toContain('one band shown as grey');
  });
});

describe("the road file's own settings (item 3)", () => {
  const image = join(FIXTURES, 'left-hand.tif');
  const road = join(FIXTURES, 'left-hand.road.geojson');

  it('follows the drive_side and queue_head the road file states', async () => {
    const r = await satcount(['count', image, '--road', road, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.params).toMatchObject({ drive_side: 'left', queue_head: 'start' });
    // The fixture's jam (64 vehicles) waits at the start: backward traffic on a left-hand road.
    expect(result.counts.by_direction.backward).toBeGreaterThan(10 * result.counts.by_direction.forward);
    expect(result.queues[0].direction).toBe('backward');
    expect(result.warnings).toEqual([]);
  });

  it('lets a flag override the file, and says so', async () => {
    const r = await satcount(['count', image, '--road', road, '--drive-side', 'right', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.params.drive_side).toBe('right');
    expect(result.counts.by_direction.forward).toBeGreaterThan(10 * result.counts.by_direction.backward);
    expect(result.warnings).toEqual([`road ${road}: --drive-side right overrides the file's drive_side "left"`]);
  });

  it('refuses a road file with a drive_side that is neither left nor right', async () => {
    const bad = join(dir, 'bad-side.geojson');
    writeFileSync(bad, JSON.stringify({ type: 'Feature', properties: { drive_side: 'middle' }, geometry: { type: 'LineString', coordinates: [[0, 0], [10, 0]] } }));
    const r = await satcount(['count', small, '--road', bad, '--road-crs', 'pixel']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`satcount: road ${bad}: property drive_side must be right or left, got "middle"`]);
  });
});

describe('road-only flags without --road (item 4)', () => {
  for (const [flag, value] of [['--profile-plot', 'plot.png'], ['--corridor', '20'], ['--queue-head', 'start'], ['--drive-side', 'left'], ['--profile-bin', '50'], ['--max-gap', '10'], ['--road-crs', 'pixel']]) {
    it(`${flag}: exit 2 naming the flag, nothing written`, async () => {
      const r = await satcount(['count', small, flag, value], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(errorLines(r.stderr)).toEqual([`satcount: ${flag} applies to the road analysis; it needs --road <geojson>`]);
    });
  }
  it('batch too', async () => {
    const r = await satcount(['batch', small, '--out-dir', join(dir, 'never'), '--queue-head', 'end']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(['satcount: --queue-head applies to the road analysis; it needs --road <geojson>']);
  });
});

describe('--bands on PNG and JPEG (item 15)', () => {
  it('eval refuses bands the PNG does not have, as count does', async () => {
    const labels = join(dir, 'labels');
    mkdirSync(labels);
    writeFileSync(join(labels, 'small.txt'), '0 0.33 0.5 0.1 0.15\n');
    for (const command of [['count', png, '--gsd', '0.3'], ['eval', png, '--labels', labels, '--label-format', 'yolo', '--gsd', '0.3']]) {
      const r = await satcount([...command, '--bands', '9,9,9']);
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([`satcount: ${png}: --bands 9,9,9 is out of range; the image has 3 band(s)`]);
    }
  });
});

describe('small things (item 20)', () => {
  const result = (total: number, tiles: number, classes: string[]) =>
    ({
      image: { path: 'a.tif' },
      counts: { total, by_class: countByClass(classes.map((c) => ({ class: c }) as Detection)), on_road: null, by_direction: null },
      timing: { tiles, total_s: 1 },
      queues: [],
    }) as unknown as CountResult;

  it('"1 vehicle in 1 tile", not "1 vehicles in 1 tiles"', () => {
    expect(humanSummary(result(1, 1, ['car']))).toBe('a.tif: 1 vehicle (car 1) in 1 tile, 1.0 s\n');
    expect(humanSummary(result(2, 3, ['car', 'car']))).toBe('a.tif: 2 vehicles (car 2) in 3 tiles, 1.0 s\n');
  });

  it('lists classes in the same (alphabetical) order whatever order they were found in', () => {
    expect(Object.keys(countByClass(['truck', 'car', 'van', 'car'].map((c) => ({ class: c }) as Detection)))).toEqual(['car', 'truck', 'van']);
  });
});

describe('help and info (item 19)', () => {
  it('every command documents its exit codes; count shows defaults and the queue-head values', async () => {
    for (const command of ['count', 'info', 'batch', 'summary', 'check', 'eval', 'synth']) {
      const r = await satcount([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout, command).toMatch(/Exit codes: 0 /);
    }
    const count = (await satcount(['count', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(count).toContain("--threshold <score> minimum detection score (default: the model's;");
    expect(count).toContain('--queue-head <start|end>');
    expect(count).toContain("(default: the road file's drive_side, else right)");
    expect(count).toContain('--corridor <metres> half-width searched each side of the centre line (default: 15)');
  });

  it('info prints the WGS84 footprint and --geojson writes it as a polygon', async () => {
    const file = join(dir, 'footprint.geojson');
    const r = await satcount(['info', small, '--geojson', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/upper left {4}\(15\.0000000, 49\.6\d+\)/);
    const gj = JSON.parse(readFileSync(file, 'utf8'));
    const ring = gj.features[0].geometry.coordinates[0];
    expect(gj.features[0].geometry.type).toBe('Polygon');
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    const json = JSON.parse((await satcount(['info', small, '--json'])).stdout);
    expect(json.footprint_lonlat).toEqual(ring.slice(0, 4));
    // 256 px × 0.3 m = 76.8 m between the west and east edges.
    const metresPerDegreeLon = 111_320 * Math.cos((ring[0][1] * Math.PI) / 180);
    expect((ring[3][0] - ring[0][0]) * metresPerDegreeLon).toBeCloseTo(76.8, 0);
  });

  it('info --geojson on an image without georeferencing: exit 2, no file', async () => {
    const file = join(dir, 'none.geojson');
    const r = await satcount(['info', png, '--geojson', file]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`satcount: ${png}: no georeferencing, so no WGS84 footprint can be written (${file})`]);
    expect(existsSync(file)).toBe(false);
  });
});

describe('every flag at, just past and far past its limit (item 14)', () => {
  const refused: [string[], string][] = [
    [['--overlap', '5000'], "satcount: --overlap 5000: must be ≥ 0 and under half the model's 512-pixel tile (256)"],
    [['--overlap', '256'], "satcount: --overlap 256: must be ≥ 0 and under half the model's 512-pixel tile (256)"],
    [['--overlap', '-1'], 'satcount: --overlap -1: expected a number ≥ 0, got "-1"'],
    [['--threads', '65'], 'satcount: --threads 65: expected a whole number from 1 to 64'],
    [['--threads', '100000'], 'satcount: --threads 100000: expected a whole number from 1 to 64'],
    [['--threads', '0'], 'satcount: --threads 0: expected a whole number ≥ 1, got "0"'],
    [['--threshold', '1.01'], 'satcount: --threshold 1.01: expected a number from 0 to 1, got "1.01"'],
    [['--nms-iou', '-0.1'], 'satcount: --nms-iou -0.1: expected a number from 0 to 1, got "-0.1"'],
    [['--gsd', '0'], 'satcount: --gsd 0: expected a positive number, got "0"'],
    [['--max-megapixels', '1e-9'], `satcount: ${small}: a 256×256 window is beyond --max-megapixels 1e-9`],
    [['--bands', '4,5,6'], `satcount: ${small}: --bands 4,5,6 is out of range; the image has 3 band(s)`],
    [['--road', join(FIXTURES, 'left-hand.road.geojson'), '--profile-bin', '0.5'], 'satcount: --profile-bin 0.5: expected at least 1 m (a bin shorter than a car holds a fraction of one)'],
    [['--road', join(FIXTURES, 'left-hand.road.geojson'), '--corridor', '0'], 'satcount: --corridor 0: expected a positive number, got "0"'],
  ];
  for (const [flags, line] of refused) {
    it(`${flags.filter((f) => f.startsWith('--') && f !== '--road').join(' ')} ${flags[flags.length - 1]}: exit 2 naming the flag`, async () => {
      const r = await satcount(['count', small, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(errorLines(r.stderr)).toEqual([line]);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }

  it('--overlap 255 and --threads 1, at their limits, count', async () => {
    const r = await satcount(['count', small, '--overlap', '255', '--threads', '1', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).params.tile_overlap).toBe(255);
  });
});
