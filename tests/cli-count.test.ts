import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, satcount } from './helpers/cli.js';
import { hasGdal } from './helpers/gdal.js';
import sharp from 'sharp';
import { BLOB_MODEL, squaresRgb, toLonLat, UTM33_GT, writeGreyUint16, writeSquaresPng, writeSquaresTiff, type Square } from './helpers/scenes.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const png = join(dir, 'squares.png');
const tif = join(dir, 'squares.tif');

// Squares on a grid, several of them on tile seams and corners (tiles are 256 px with 32 px overlap).
const squares: Square[] = [];
for (let y = 20; y < 580; y += 37) for (let x = 20; x < 700; x += 41) squares.push([x, y]);

beforeAll(async () => {
  mkdirSync(join(dir, 'empty-folder'));
  await writeSquaresPng(png, 720, 600, squares);
  await writeSquaresTiff(tif, 720, 600, squares);
});

const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('satcount:'));

describe('satcount count', () => {
  it('counts every vehicle once across tile seams and reports where each is', async () => {
    const r = await satcount(['count', png, '--gsd', '0.3', '--model', BLOB_MODEL, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.counts.total).toBe(squares.length);
    expect(result.image).toMatchObject({ width: 720, height: 600, georeferenced: false, crs: null, gsd_m: 0.3 });
    for (const [x, y] of squares) {
      const near = result.detections.filter((d: { center_px: number[] }) => Math.hypot(d.center_px[0] - x, d.center_px[1] - y) < 2);
      expect(near).toHaveLength(1);
    }
    expect(result.detections[0].lonlat).toBeNull();
    expect(r.stderr).toMatch(/no georeferencing/);
  });

  it('georeferences detections: image CRS and WGS84 lon/lat, and writes GeoJSON, CSV and overlay', async () => {
    const out = join(dir, 'geo');
    mkdirSync(out);
    const r = await satcount([
      'count', tif, '--model', BLOB_MODEL, '--out', join(out, 'r.json'), '--geojson', join(out, 'r.geojson'),
      '--csv', join(out, 'r.csv'), '--overlay', join(out, 'r.png'), '--quiet',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${squares.length} vehicles`));
    const result = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
    expect(result.image.crs).toBe('EPSG:32633');
    const d = result.detections.find((e: { center_px: number[] }) => Math.hypot(e.center_px[0] - 61, e.center_px[1] - 57) < 2);
    const [x, y] = [UTM33_GT[0] + 61 * 0.3, UTM33_GT[3] - 57 * 0.3];
    expect(d.center_crs[0]).toBeCloseTo(x, 0);
    expect(d.center_crs[1]).toBeCloseTo(y, 0);
    const [lon, lat] = toLonLat(x, y);
    expect(d.lonlat[0]).toBeCloseTo(lon, 5);
    expect(d.lonlat[1]).toBeCloseTo(lat, 5);

    const gj = JSON.parse(readFileSync(join(out, 'r.geojson'), 'utf8'));
    expect(gj.type).toBe('FeatureCollection');
    expect(gj.features).toHaveLength(squares.length);
    const [glon, glat] = gj.features[0].geometry.coordinates;
    expect(glon).toBeGreaterThan(14); // UTM 33N sits between 12°E and 18°E
    expect(glon).toBeLessThan(16);
    expect(glat).toBeGreaterThan(49);
    expect(glat).toBeLessThan(50);

    if (hasGdal) {
      // What QGIS will see: OGR reads it as WGS84 points, one feature per vehicle.
      const ogr = execFileSync('ogrinfo', ['-ro', '-al', '-so', join(out, 'r.geojson')], { encoding: 'utf8' });
      expect(ogr).toMatch(new RegExp(`Feature Count: ${squares.length}`));
      expect(ogr).toMatch(/Geometry: Point/);
      expect(ogr).toMatch(/WGS 84/);
    }

    const csv = readFileSync(join(out, 'r.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^id,class,score,x1,y1,x2,y2,center_x,center_y,crs_x,crs_y,lon,lat/);
    expect(csv).toHaveLength(squares.length + 1);
    expect(readFileSync(join(out, 'r.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes boxes as closed WGS84 polygons with --geojson-boxes', async () => {
    const out = join(dir, 'boxes.geojson');
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--geojson', out, '--geojson-boxes', '--quiet']);
    expect(r.code).toBe(0);
    const ring = JSON.parse(readFileSync(out, 'utf8')).features[0].geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
  });
});

describe('satcount count: bad input', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['a missing file', ['count', join(dir, 'nope.tif')], 2, /nope\.tif: no such file/],
    ['a result file given to --json', ['count', tif, '--json', join(dir, 'out.json')], 2, /out\.json: no such file \(--json prints the result on stdout and takes no file; --out .*out\.json writes it there\)$/m],
    // A folder of tiles is one mosaic (tests/mosaic.test.ts); one without images is bad input.
    ['a folder without images', ['count', join(dir, 'empty-folder')], 2, /empty-folder: folder holds no \.tif images/],
    ['a text file', ['count', join(dir, 'notes.tif')], 2, /notes\.tif: not an image/],
    ['an image without georeferencing or --gsd', ['count', png, '--model', BLOB_MODEL], 2, /squares\.png.*--gsd/],
    ['a model that is not ONNX', ['count', tif, '--model', join(dir, 'model.onnx')], 3, /model\.onnx: not an ONNX model/],
    ['a model with outputs of no known layout', ['count', tif, '--model', new URL('./models/unknown-layout.onnx', import.meta.url).pathname], 3, /unknown output layout.*heatmap \[/],
    ['a bad flag value', ['count', tif, '--threshold', '7'], 2, /threshold/],
    ['a profile plot without a road', ['count', tif, '--model', BLOB_MODEL, '--profile-plot', join(dir, 'never.png')], 2, /^satcount: --profile-plot applies to the road analysis; it needs --road <geojson>$/m],
    ['an overlap beyond half the tile', ['count', tif, '--model', BLOB_MODEL, '--overlap', '5000'], 2, /^satcount: --overlap 5000: must be ≥ 0 and under half the model's 256-pixel tile/m],
    ['an unknown flag', ['count', tif, '--frobnicate'], 2, /unknown option/],
    ['an unknown stretch', ['count', tif, '--stretch', 'auto'], 2, /^satcount: --stretch auto: Allowed choices are per-band, shared\.$/m],
  ];
  beforeAll(() => {
    writeFileSync(join(dir, 'notes.tif'), 'these are not pixels\n');
    writeFileSync(join(dir, 'model.onnx'), Buffer.from('definitely not protobuf'.repeat(10)));
  });

  it.each(cases)('%s: one line, the documented exit code, no output file', async (_name, args, code, message) => {
    const out = join(dir, `out-${code}-${args.length}.json`);
    const r = await satcount([...args, '--out', out]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    if (code !== 2 || !/flag|option/.test(_name)) expect(oneLine(r.stderr)).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it('reports an unwritable output folder as bad input', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');
    const r = await satcount(['count', png, '--gsd', '0.3', '--model', BLOB_MODEL, '--out', join(blocker, 'sub', 'r.json')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)[0]).toMatch(/blocker/);
  });

  it('takes --tile-size a model accepts, and refuses one it does not, in one line', async () => {
    // The shipped model takes any multiple of 32: a fixture's queue counted on 320 px tiles (the
    // last of each row and column shrunk to what is left) against the default 768 px tiles.
    const fixture = join(ROOT, 'fixtures', 'border-queue.tif');
    const wide = await satcount(['count', fixture, '--json', '--quiet']);
    const narrow = await satcount(['count', fixture, '--tile-size', '320', '--json', '--quiet']);
    expect(wide.code).toBe(0);
    expect(narrow.code).toBe(0);
    const a = JSON.parse(wide.stdout);
    const b = JSON.parse(narrow.stdout);
    expect(a.params.tile_size).toEqual([768, 768]);
    expect(b.params.tile_size).toEqual([320, 320]);
    expect(b.timing.tiles).toBeGreaterThan(a.timing.tiles);
    expect(a.counts.total).toBeGreaterThan(100);
    // Seams fall elsewhere and each tile sees other context, so a borderline car may go either way.
    expect(Math.abs(b.counts.total - a.counts.total)).toBeLessThanOrEqual(Math.ceil(a.counts.total * 0.02));
    const centres = (r: { detections: { center_px: number[] }[] }) => r.detections.map((d) => d.center_px);
    const matched = centres(b).filter(([x, y]) => centres(a).some(([u, v]) => Math.hypot(x - u, y - v) < 1.5));
    expect(matched.length).toBeGreaterThanOrEqual(b.counts.total * 0.97);

    // Along a road, tiles follow the corridor: fewer pixels inferred outside it, the same vehicles on the road.
    const roadFile = join(ROOT, 'fixtures', 'border-queue.road.geojson');
    const road = JSON.parse((await satcount(['count', fixture, '--road', roadFile, '--json', '--quiet'])).stdout);
    const gridded = JSON.parse((await satcount(['count', fixture, '--road', roadFile, '--tile-size', '512', '--json', '--quiet'])).stdout);
    expect(road.params.tiling).toBe('road');
    expect(gridded.params.tiling).toBe('grid');
    expect(gridded.params.tile_size).toEqual([512, 512]);
    expect(road.counts.on_road).toBeGreaterThan(100);
    expect(Math.abs(road.counts.on_road - gridded.counts.on_road)).toBeLessThanOrEqual(Math.ceil(gridded.counts.on_road * 0.02));

    const odd = await satcount(['count', tif, '--tile-size', '500', '--quiet']);
    expect(odd.code).toBe(2);
    expect(oneLine(odd.stderr)).toEqual([expect.stringMatching(/--tile-size 500: the model takes tile sides that are multiples of 32/)]);
    const fixed = await satcount(['count', tif, '--model', BLOB_MODEL, '--tile-size', '512', '--quiet']);
    expect(fixed.code).toBe(2);
    expect(oneLine(fixed.stderr)).toEqual([expect.stringMatching(/--tile-size 512: the model's input is fixed at 256x256/)]);
  });

  it('refuses a window beyond --max-megapixels in a many-tile count too (reads in the worker): one line, exit 2, no output', async () => {
    const out = join(dir, 'mp.json');
    const fixture = join(ROOT, 'fixtures', 'border-queue.tif');
    const r = await satcount(['count', fixture, '--tile-size', '320', '--max-megapixels', '0.05', '--out', out]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/window is beyond --max-megapixels 0.05$/)]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an output in a missing folder, before any work, and makes no folder (issue 15 item 7)', async () => {
    const out = join(dir, 'new', 'deeper', 'r.json');
    mkdirSync(join(dir, 'new'), { recursive: true });
    const r = await satcount(['count', png, '--gsd', '0.3', '--model', BLOB_MODEL, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`satcount: cannot write ${out}: folder ${join(dir, 'new', 'deeper')} does not exist\n`);
    expect(existsSync(join(dir, 'new', 'deeper'))).toBe(false);
  });
});

describe('satcount count --stretch: a 16-bit product whose bands have their own gains', () => {
  // 1024² is read in the worker thread (pipeline/run.ts), which must stretch as the main thread does.
  const side = 1024;
  const grid: Square[] = [];
  for (let y = 40; y < side - 10; y += 60) for (let x = 40; x < side - 10; x += 60) grid.push([x, y]);
  const u16 = join(dir, 'gains16.tif');
  beforeAll(async () => {
    // Grey squares on grey ground: natural colour has no cast at all.
    const rgb = squaresRgb(side, side, grid);
    await writeGreyUint16(u16, side, side, (x, y) => rgb[(y * side + x) * 3] / 255);
  });

  /** The result and the overlay's mean red, green and blue. */
  async function countWith(stretch: string[]) {
    const overlay = join(dir, `gains16${stretch.join('-')}.png`);
    const r = await satcount(['count', u16, '--model', BLOB_MODEL, '--overlay', overlay, '--json', ...stretch]);
    expect(r.code).toBe(0);
    const { channels } = await sharp(overlay).stats();
    return { result: JSON.parse(r.stdout), rgb: channels.slice(0, 3).map((c) => c.mean) };
  }

  it('stretches each band over its own range by default, and over one with --stretch shared, recorded in params', async () => {
    const perBand = await countWith([]);
    expect(perBand.result.params.stretch).toBe('per-band');
    expect(perBand.result.counts.total).toBe(grid.length);
    const shared = await countWith(['--stretch', 'shared']);
    expect(shared.result.params.stretch).toBe('shared');
    // One range over green's eight-fold gain: the grey squares turn dim green and the model sees none.
    expect(shared.rgb[1] - shared.rgb[0]).toBeGreaterThan(30);
    expect(shared.result.counts.total).toBe(0);
    expect(Math.abs(perBand.rgb[1] - perBand.rgb[0])).toBeLessThan(3);
  });

  it('records no stretch for 8-bit images, which are not stretched', async () => {
    const r = await satcount(['count', tif, '--model', BLOB_MODEL, '--stretch', 'shared', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).params.stretch).toBeNull();
  });

  it('takes --stretch among the flags of a check case', async () => {
    const spec = join(dir, 'stretch-check.json');
    const write = (stretch: string) => writeFileSync(spec, JSON.stringify({ cases: [{ image: u16, flags: { model: BLOB_MODEL, stretch }, expect: { total: 0 } }] }));
    write('shared');
    expect((await satcount(['check', spec])).code).toBe(0);
    write('per-band');
    expect((await satcount(['check', spec])).code).toBe(1);
    write('auto');
    const bad = await satcount(['check', spec]);
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toEqual([expect.stringMatching(/bad check spec: .*--stretch.*auto/)]);
  });
});
