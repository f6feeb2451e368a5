import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import proj4 from 'proj4';
import { afterAll, describe, expect, it } from 'vitest';
import { renderScene, type SceneTruth } from '../src/synth/scene.js';
import { createRng } from '../src/random/prng.js';
import { planValleyShadows } from '../src/synth/terrain.js';
import { parseLonLat, parseSize } from '../src/synth/options.js';
import { writeScene } from '../src/synth/write.js';
import { SatcountError, type PixelPoint } from '../src/types.js';
import { hasGdal } from './helpers/gdal.js';

const dir = mkdtempSync(join(tmpdir(), 'satcount-synth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


const small = { width: 520, height: 300, queueLength: 80 } as const;
const sha = (b: Uint8Array | Buffer) => createHash('sha256').update(b).digest('hex');

/** Distance from the road line and side, computed here independently of the renderer. */
function placeOnLine(line: PixelPoint[], [x, y]: PixelPoint): { dist: number; side: number } {
  let best = { dist: Infinity, side: 0 };
  for (let i = 1; i < line.length; i++) {
    const [ax, ay] = line[i - 1];
    const [bx, by] = line[i];
    const dx = bx - ax;
    const dy = by - ay;
    const f = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    const dist = Math.hypot(ax + f * dx - x, ay + f * dy - y);
    // On a north-up map (y up) a point right of the direction has a negative cross product;
    // pixel y points down, which flips the sign.
    const cross = dx * (y - ay) - dy * (x - ax);
    if (dist < best.dist) best = { dist, side: Math.sign(cross) };
  }
  return best;
}

function expectOnRoadAndSide(truth: SceneTruth): void {
  const gsd = truth.image.gsd_m;
  const wrong: number[] = [];
  for (const v of truth.vehicles) {
    const { dist, side } = placeOnLine(truth.road.pixel, v.center_px);
    const rightSide = (v.direction === 'forward') === (truth.road.drive_side === 'right') ? 1 : -1;
    if (dist * gsd > truth.road.half_width_m || side !== rightSide || Math.sign(v.offset_m) !== rightSide) wrong.push(v.id);
    const [x1, y1, x2, y2] = v.bbox_px;
    expect(x1 < v.center_px[0] && v.center_px[0] < x2 && y1 < v.center_px[1] && v.center_px[1] < y2).toBe(true);
  }
  expect(wrong).toEqual([]);
}

describe('renderScene', () => {
  it('is deterministic for a seed and changes with the seed', async () => {
    const a = await renderScene({ ...small, seed: 11 });
    const b = await renderScene({ ...small, seed: 11 });
    const c = await renderScene({ ...small, seed: 12 });
    expect(sha(a.raster.data as Uint8Array)).toBe(sha(b.raster.data as Uint8Array));
    expect(JSON.stringify(a.truth)).toBe(JSON.stringify(b.truth));
    expect(sha(a.raster.data as Uint8Array)).not.toBe(sha(c.raster.data as Uint8Array));
  });

  it.each([
    ['straight', 'right', 'end'],
    ['curved', 'right', 'start'],
    ['hairpin', 'left', 'end'],
    ['straight', 'left', 'start'],
    ['mountain', 'right', 'end'],
  ] as const)('puts every vehicle on the %s road, on the %s-hand side for its direction (queue head %s)', async (road, driveSide, queueHead) => {
    const { truth } = await renderScene({ seed: 3, width: 480, height: 400, road, driveSide, queueHead, queueLength: 100, otherDirection: 'jam' });
    expect(truth.vehicles.length).toBeGreaterThan(10);
    expectOnRoadAndSide(truth);
    const jammed = queueHead === 'end' ? 'forward' : 'backward';
    expect(truth.queues.find((q) => q.direction === jammed)?.jammed).toBe(true);
  });

  it('draws the vehicles where the truth says they are', async () => {
    const { raster, truth } = await renderScene({ ...small, seed: 5, otherDirection: 'empty' });
    // Asphalt is a mid grey; a vehicle centre (roof, glass or trailer) should differ from it.
    const at = ([x, y]: PixelPoint) => {
      const i = (Math.floor(y) * raster.width + Math.floor(x)) * 3;
      return [raster.data[i], raster.data[i + 1], raster.data[i + 2]];
    };
    // Probe the empty opposite lane at the middle of the road for the asphalt colour.
    const [[ax, ay], [bx, by]] = truth.road.pixel;
    const len = Math.hypot(bx - ax, by - ay);
    const laneCentre = (truth.road.lane_width_m * 0.5 + 0.2) / truth.image.gsd_m;
    const asphaltProbe = at([(ax + bx) / 2 + ((by - ay) / len) * laneCentre, (ay + by) / 2 - ((bx - ax) / len) * laneCentre]);
    const visible = truth.vehicles.filter((v) => !v.hidden);
    const distinct = visible.filter((v) => Math.max(...at(v.center_px).map((c, k) => Math.abs(c - asphaltProbe[k]))) > 10);
    expect(visible.length).toBeGreaterThan(5);
    expect(distinct.length / visible.length).toBeGreaterThan(0.8);
  });

  it('fills the requested queue length with jam spacing', async () => {
    const { truth } = await renderScene({ seed: 8, width: 1400, height: 300, lanes: 1, queueLength: 300, otherDirection: 'empty' });
    const q = truth.queues.find((x) => x.direction === 'forward');
    expect(q).toBeDefined();
    expect(q!.length_m).toBeGreaterThan(300 - 20);
    expect(q!.length_m).toBeLessThanOrEqual(300);
    // Bumper to bumper with gaps, cars ~7.3 m per vehicle, lorries ~17 m.
    const perVehicle = q!.length_m / q!.vehicles;
    expect(perVehicle).toBeGreaterThan(6.5);
    expect(perVehicle).toBeLessThan(14);
    expect(truth.counts.total).toBe(q!.vehicles);
    for (const v of truth.vehicles) {
      const [lo, hi] = v.class === 'car' ? [3.5, 5.3] : v.class === 'van' ? [4.9, 6.3] : [11.9, 16.6];
      expect(v.length_m).toBeGreaterThanOrEqual(lo);
      expect(v.length_m).toBeLessThanOrEqual(hi);
    }
  });

  it('hides part of the queue under nodata and cloud, and says which vehicles are hidden', async () => {
    const { raster, truth } = await renderScene({ seed: 4, width: 1200, height: 300, queueLength: 300, hidden: 0.2, otherDirection: 'empty' });
    expect(truth.hidden.map((h) => h.kind).sort()).toEqual(['cloud', 'nodata']);
    const q = truth.queues[0];
    const hiddenLength = truth.hidden.reduce((s, h) => s + h.end_m - h.start_m, 0);
    expect(hiddenLength / q.length_m).toBeGreaterThan(0.12);
    expect(hiddenLength / q.length_m).toBeLessThan(0.28);
    const nodata = truth.hidden.find((h) => h.kind === 'nodata')!;
    const inSwath = truth.vehicles.filter((v) => v.chainage_m > nodata.start_m + 3 && v.chainage_m < nodata.end_m - 3);
    expect(inSwath.length).toBeGreaterThan(0);
    for (const v of inSwath) {
      expect(v.hidden).toBe(true);
      const i = (Math.floor(v.center_px[1]) * raster.width + Math.floor(v.center_px[0])) * 3;
      expect([...raster.data.subarray(i, i + 3)]).toEqual([0, 0, 0]);
    }
    expect(q.vehicles_visible).toBe(truth.vehicles.filter((v) => !v.hidden).length);
    expect(q.vehicles_visible).toBeLessThan(q.vehicles);
  });

  it('renders 16-bit 4-band scenes with realistic digital numbers', async () => {
    const { raster } = await renderScene({ ...small, seed: 2, bands: 'rgbn16' });
    expect([raster.bands, raster.dtype]).toEqual([4, 'uint16']);
    const values = [...raster.data].sort((a, b) => a - b);
    expect(values[Math.floor(values.length * 0.01)]).toBeGreaterThan(60);
    expect(values.at(-1)).toBeLessThan(4096);
    // Like a real product's bands: path radiance lifts blue's floor, green reaches the highest numbers.
    const band = (b: number) => raster.data.filter((_, i) => i % 4 === b).sort();
    const [red, green, blue] = [0, 1, 2].map(band);
    const at = (v: ArrayLike<number>, p: number) => v[Math.floor(p * (v.length - 1))];
    expect(at(blue, 0.02)).toBeGreaterThan(at(red, 0.02) + 100);
    expect(at(green, 0.98)).toBeGreaterThan(Math.max(at(red, 0.98), at(blue, 0.98)));
  });

  it('rejects options no scene can honour', async () => {
    await expect(renderScene({ lanes: 9 })).rejects.toThrow(SatcountError);
    await expect(renderScene({ crs: 'EPSG:4326' })).rejects.toThrow(/not a projected CRS/);
    expect(parseSize('1200x800')).toEqual({ width: 1200, height: 800 });
    expect(() => parseSize('1200')).toThrow(SatcountError);
    expect(parseLonLat('22.95, 49.8')).toEqual([22.95, 49.8]);
    expect(() => parseLonLat('east')).toThrow(SatcountError);
  });
});

describe('writeScene', () => {
  const out = join(dir, 'scene.tif');
  const opts = { ...small, seed: 21, center: [22.951, 49.8] as [number, number] };

  it('writes the same bytes for the same seed', async () => {
    await writeScene(out, opts);
    const first = ['scene.tif', 'scene.truth.json', 'scene.road.geojson'].map((f) => sha(readFileSync(join(dir, f))));
    await writeScene(out, opts);
    const second = ['scene.tif', 'scene.truth.json', 'scene.road.geojson'].map((f) => sha(readFileSync(join(dir, f))));
    expect(second).toEqual(first);
  });

  it('georeferences image, truth and road consistently (UTM zone of the centre by default)', async () => {
    const truth = JSON.parse(readFileSync(join(dir, 'scene.truth.json'), 'utf8')) as SceneTruth;
    const image = await (await fromFile(out)).getImage();
    const t = truth.image.geotransform;
    expect(truth.image.crs).toBe('EPSG:32634');
    expect(image.getGeoKeys()).toMatchObject({ ProjectedCSTypeGeoKey: 32634, GTRasterTypeGeoKey: 1 });
    expect(image.getOrigin().slice(0, 2)).toEqual([t[0], t[3]]);
    expect(image.getResolution().slice(0, 2)).toEqual([0.3, -0.3]);
    const centre = proj4('EPSG:4326', '+proj=utm +zone=34 +datum=WGS84 +units=m +no_defs').forward([22.951, 49.8]);
    expect(Math.abs(t[0] + (opts.width / 2) * 0.3 - centre[0])).toBeLessThan(0.02);
    const road = JSON.parse(readFileSync(join(dir, 'scene.road.geojson'), 'utf8'));
    const first = road.features[0].geometry.coordinates[0] as [number, number];
    const [ex, ey] = proj4('EPSG:4326', '+proj=utm +zone=34 +datum=WGS84 +units=m +no_defs').forward(first);
    const [px, py] = truth.road.pixel[0];
    expect(Math.hypot(ex - (t[0] + px * t[1]), ey - (t[3] + py * t[5]))).toBeLessThan(0.05);
  });

  it.skipIf(!hasGdal)('is read by gdalinfo as a tiled, DEFLATE GeoTIFF in the scene CRS', () => {
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', out], { encoding: 'utf8' }));
    expect(info.size).toEqual([opts.width, opts.height]);
    expect(info.coordinateSystem.wkt).toContain('"EPSG",32634');
    expect(info.metadata.IMAGE_STRUCTURE.COMPRESSION).toBe('DEFLATE');
    expect(info.bands[0].block).toEqual([256, 256]);
    expect(info.bands[0].noDataValue).toBe(0);
  });
});

describe('mountain road', () => {
  it('winds in tight bends along the long side and lies partly in valley shadow', async () => {
    const { truth, raster } = await renderScene({ seed: 9, width: 3000, height: 500, road: 'mountain', queueLength: 600, otherDirection: 'empty' });
    expectOnRoadAndSide(truth);
    // A 900 m strip holds well over 1 km of winding road.
    expect(truth.road.length_m).toBeGreaterThan(1100);
    // Valley shadows darken whole bands of the scene, road included.
    const shadows = planValleyShadows(3000, 500, 0.3, createRng(9).fork(13));
    expect(shadows.length).toBeGreaterThan(0);
    const inShadow = (x: number, y: number) => shadows.some((s) => Math.abs(x - s.at - s.slant * (y - 250)) < s.half - 15);
    const mean = { in: [0, 0], out: [0, 0] };
    for (let y = 0; y < 500; y += 4) {
      for (let x = 0; x < 3000; x += 4) {
        const m = inShadow(x, y) ? mean.in : mean.out;
        m[0] += (raster.data as Uint8Array)[(y * 3000 + x) * 3];
        m[1]++;
      }
    }
    expect(mean.in[0] / mean.in[1] / (mean.out[0] / mean.out[1])).toBeLessThan(0.75);
  });
});

describe('rendering by strips', () => {
  it('draws the same scene in strips as in one piece: seams cannot be seen', async () => {
    const opts = { seed: 21, width: 1100, height: 300, queueLength: 250, hidden: 0.1 } as const;
    const whole = await renderScene(opts, { stripPx: 4096 });
    const cut = await renderScene(opts, { stripPx: 512 });
    expect(cut.truth).toEqual(whole.truth);
    const a = whole.raster.data;
    const b = cut.raster.data;
    let differ = 0;
    let worst = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      if (d > 0) differ++;
      worst = Math.max(worst, d);
    }
    // JPEG chroma upsampling reads one row of neighbouring blocks: a few values at the cuts move by a level or two.
    expect(differ / a.length).toBeLessThan(0.01);
    expect(worst).toBeLessThanOrEqual(6);
  });
});

describe('vendor-style tiles', () => {
  it('writes C × R overlapping, georeferenced tiles and a VRT that puts them back together', async () => {
    const out = join(dir, 'strip.tif');
    const scene = await writeScene(out, { seed: 4, width: 1800, height: 400, queueLength: 300 }, { tiles: { cols: 3, rows: 1, overlap: 64 } });
    expect(scene.paths.image).toBe(join(dir, 'strip.vrt'));
    expect(scene.paths.tiles).toEqual(['R1C1', 'R1C2', 'R1C3'].map((n) => join(dir, `strip_${n}.tif`)));
    expect(scene.truth.tiles!.map((t) => [t.x0, t.width])).toEqual([[0, 632], [568, 664], [1168, 632]]);
    const gt = scene.truth.image.geotransform;
    const middle = await (await fromFile(scene.paths.tiles![1])).getImage();
    expect(middle.getWidth()).toBe(664);
    expect(middle.getOrigin()[0]).toBeCloseTo(gt[0] + 568 * 0.3, 6);
    // The middle tile holds the scene's pixels at its offset (the same render, cut).
    const whole = scene.raster.data as Uint8Array;
    const tile = (await middle.readRasters({ interleave: true, window: [0, 100, 664, 101] })) as unknown as Uint8Array;
    expect(Array.from(tile)).toEqual(Array.from(whole.subarray((100 * 1800 + 568) * 3, (100 * 1800 + 568 + 664) * 3)));
    const vrt = readFileSync(scene.paths.image, 'utf8');
    expect(vrt).toContain('<VRTDataset rasterXSize="1800" rasterYSize="400">');
    expect(vrt.match(/<DstRect xOff="568" yOff="0" xSize="664" ySize="400" \/>/g)).toHaveLength(3);
    if (hasGdal) {
      const info = JSON.parse(execFileSync('gdalinfo', ['-json', scene.paths.image], { encoding: 'utf8' }));
      expect(info.size).toEqual([1800, 400]);
      expect(info.files).toHaveLength(4);
    }
  });

  it('refuses tiles smaller than 256 pixels before writing anything', async () => {
    await expect(writeScene(join(dir, 'tiny.tif'), { seed: 4, width: 1000, height: 400 }, { tiles: { cols: 5, rows: 1, overlap: 64 } })).rejects.toThrow(
      /--tiles 5x1 cuts a 1000x400 scene into tiles under 256 pixels/,
    );
    expect(readdirSync(dir).some((f) => f.startsWith('tiny'))).toBe(false);
  });
});
