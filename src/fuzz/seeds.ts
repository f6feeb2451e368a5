import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { openRaster } from '../raster/open.js';
import { writeGeoTiff, type GeoTiffSpec, type SampleArray } from '../raster/tiff/write-geotiff.js';
import type { GeoTransform } from '../types.js';
import { writeTinyTiff } from './tiny-tiff.js';

/**
 * Valid inputs the mutations start from, all derived from the project's own fixtures and test
 * models: small crops of fixture GeoTIFFs rewritten in several TIFF layouts (tiled DEFLATE with
 * overviews, BigTIFF with alpha, 16-bit with nodata, float, big-endian LZW strips, raw strips),
 * a PNG and a JPEG of the same pixels, the fixture road files and the test models.
 */
export interface SeedFile {
  name: string;
  bytes: Uint8Array;
}

export interface Seeds {
  /** Folder holding the seed files (the road cases run against `roadImage` there). */
  dir: string;
  tiffs: SeedFile[];
  /** PNG and JPEG. */
  plain: SeedFile[];
  roads: SeedFile[];
  models: SeedFile[];
  /** A valid GeoTIFF seed and a road line inside it (WGS84), for the road cases. */
  roadImage: string;
  /** The ONNX model the CLI cases run with. */
  model: string;
}

export interface SeedOptions {
  /** Project root (holds fixtures/ and tests/models/). */
  root: string;
  /** Folder to write the seeds to. */
  dir: string;
}

interface Crop {
  width: number;
  height: number;
  bands: number;
  /** Pixel-interleaved samples. */
  data: Uint8Array | Uint16Array;
  epsg: number;
  geoTransform: GeoTransform;
}

async function crop(path: string, x: number, y: number, width: number, height: number): Promise<Crop> {
  const src = await openRaster(path);
  try {
    const { arrays } = await src.readSamples!({ x, y, width, height });
    const bands = arrays.length;
    const data = arrays[0] instanceof Uint16Array ? new Uint16Array(width * height * bands) : new Uint8Array(width * height * bands);
    arrays.forEach((band, b) => band.forEach((v, i) => (data[i * bands + b] = Number(v))));
    const t = src.info.geoTransform!;
    const geoTransform: GeoTransform = [t[0] + x * t[1], t[1], 0, t[3] + y * t[5], 0, t[5]];
    return { width, height, bands, data, epsg: Number(src.info.crs!.split(':')[1]), geoTransform };
  } finally {
    await src.close();
  }
}

/** Samples of the rectangle (x0, y0, w, h) of `c`, keeping `bands` bands, as geotiff tiles want them. */
function region(c: Crop, x0: number, y0: number, w: number, h: number, bands = c.bands, map?: (v: number, band: number, x: number, y: number) => number): number[] {
  const out: number[] = [];
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      for (let b = 0; b < bands; b++) {
        const v = b < c.bands ? c.data[(y * c.width + x) * c.bands + b] : 255;
        out.push(map ? map(v, b, x, y) : v);
      }
    }
  }
  return out;
}

async function geoTiffBytes(path: string, spec: GeoTiffSpec, tile: (x0: number, y0: number, w: number, h: number) => SampleArray): Promise<Uint8Array> {
  await writeGeoTiff(path, spec, tile);
  return new Uint8Array(await readFile(path));
}

async function tiffSeeds(dir: string, rgb: Crop, nir: Crop): Promise<SeedFile[]> {
  const geo = { epsg: rgb.epsg, geoTransform: rgb.geoTransform };
  const seeds: [string, () => Promise<Uint8Array>][] = [
    ['rgb-tiled-ovr.tif', () => geoTiffBytes(join(dir, 'rgb-tiled-ovr.tif'), { width: rgb.width, height: rgb.height, bands: 3, dtype: 'uint8', tileSize: 32, overviews: [2], ...geo }, (x, y, w, h) => Uint8Array.from(region(rgb, x, y, w, h)))],
    ['rgbn16-nodata.tif', () => geoTiffBytes(join(dir, 'rgbn16-nodata.tif'), { width: nir.width, height: nir.height, bands: 4, dtype: 'uint16', tileSize: 16, nodata: 0, epsg: nir.epsg, geoTransform: nir.geoTransform }, (x, y, w, h) => Uint16Array.from(region(nir, x, y, w, h)))],
    ['rgba-bigtiff.tif', () => geoTiffBytes(join(dir, 'rgba-bigtiff.tif'), { width: 48, height: 48, bands: 4, dtype: 'uint8', tileSize: 16, alpha: true, bigTiff: true, ...geo }, (x, y, w, h) => Uint8Array.from(region(rgb, x, y, w, h, 4, (v, b, px, py) => (b === 3 && px + py < 12 ? 0 : v))))],
    ['float-tiled.tif', () => geoTiffBytes(join(dir, 'float-tiled.tif'), { width: 40, height: 40, bands: 3, dtype: 'float32', tileSize: 16, ...geo }, (x, y, w, h) => Float32Array.from(region(rgb, x, y, w, h, 3, (v) => v / 255)))],
  ];
  const out: SeedFile[] = [];
  for (const [name, make] of seeds) out.push({ name, bytes: await make() });
  const pixels = (w: number, h: number, bands: number) => Uint8Array.from(region(rgb, 0, 0, w, h, bands));
  const georef = { epsg: rgb.epsg, x: rgb.geoTransform[0], y: rgb.geoTransform[3], pixel: rgb.geoTransform[1] };
  out.push({ name: 'rgb-strips-lzw-be.tif', bytes: writeTinyTiff({ width: 64, height: 40, bands: 3, rowsPerStrip: 8, compression: 'lzw', littleEndian: false, georef }, pixels(64, 40, 3)) });
  out.push({ name: 'grey-strips-raw.tif', bytes: writeTinyTiff({ width: 40, height: 32, bands: 1, rowsPerStrip: 7, compression: 'none', littleEndian: true, georef }, pixels(40, 32, 1)) });
  return out;
}

async function plainSeeds(rgb: Crop): Promise<SeedFile[]> {
  const img = () => sharp(Buffer.from(Uint8Array.from(region(rgb, 0, 0, 64, 48, 3))), { raw: { width: 64, height: 48, channels: 3 } });
  return [
    { name: 'rgb.png', bytes: new Uint8Array(await img().png().toBuffer()) },
    { name: 'rgb.jpg', bytes: new Uint8Array(await img().jpeg({ quality: 80 }).toBuffer()) },
  ];
}

/** A west-to-east line across the middle of the crop, in WGS84. */
async function cropRoad(imagePath: string): Promise<string> {
  const src = await openRaster(imagePath);
  try {
    const { width, height } = src.info;
    const g = src.georef!;
    const coordinates = [4, width / 2, width - 4].map((x) => g.crsToLonLat(g.pixelToCrs([x, height / 2])));
    return JSON.stringify({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates } });
  } finally {
    await src.close();
  }
}

async function filesEnding(dir: string, suffix: string): Promise<SeedFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(suffix)).sort();
  return Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(dir, name))) })));
}

/** Writes the seed files to `opts.dir` and returns them; the same fixtures always give the same seeds. */
export async function buildSeeds(opts: SeedOptions): Promise<Seeds> {
  const { root, dir } = opts;
  await mkdir(dir, { recursive: true });
  // The crops hold vehicles on the road, so CLI cases that survive a mutation have something to count.
  const rgb = await crop(join(root, 'fixtures', 'border-queue.tif'), 1600, 180, 96, 80);
  const nir = await crop(join(root, 'fixtures', 'rgbn16.tif'), 288, 232, 64, 48);
  const tiffs = await tiffSeeds(dir, rgb, nir);
  const plain = await plainSeeds(rgb);
  for (const s of [...tiffs, ...plain]) await writeFile(join(dir, s.name), s.bytes);
  const roadImage = join(dir, 'rgb-tiled-ovr.tif');
  const roads = await filesEnding(join(root, 'fixtures'), '.road.geojson');
  roads.push({ name: 'crop.road.geojson', bytes: new TextEncoder().encode(await cropRoad(roadImage)) });
  const models = (await filesEnding(join(root, 'tests', 'models'), '.onnx')).filter((m) => m.name !== 'wrong-rank.onnx');
  return { dir, tiffs, plain, roads, models, roadImage, model: join(root, 'tests', 'models', 'blob-centernet.onnx') };
}
