import { basename } from 'node:path';
import { writeGeoTiff } from '../raster/tiff/write-geotiff.js';
import { parseDateFlag, tiffDateTime } from '../raster/acquired.js';
import { checkWritable, writeFileAtomic } from '../io/atomic.js';
import { SatcountError } from '../types.js';
import { resolveSynthOptions, type SynthOptions } from './options.js';
import { renderScene, type RenderedScene } from './scene.js';
import { sceneVrt, tileGeoTransform, tileGrid } from './tiles.js';

/**
 * The files of a scene, from `<stem>.tif`: the image, `<stem>.road.geojson`, `<stem>.truth.json`;
 * delivered as tiles, the image is `<stem>.vrt` over `<stem>_R<r>C<c>.tif`.
 */
export interface ScenePaths {
  image: string;
  road: string;
  truth: string;
  tiles?: string[];
}

/** A vendor-style delivery: cols × rows overlapping tiles and a VRT instead of one image. */
export interface TileDelivery {
  cols: number;
  rows: number;
  /** Pixels shared by neighbouring tiles. */
  overlap: number;
}

export function scenePaths(outPath: string): ScenePaths {
  const stem = outPath.replace(/\.tiff?$/i, '');
  return { image: `${stem}.tif`, road: `${stem}.road.geojson`, truth: `${stem}.truth.json` };
}

/**
 * Renders a scene and writes it: a tiled DEFLATE GeoTIFF (with 2x and 4x overviews when large
 * enough), the road in WGS84 GeoJSON, and the truth JSON. Each file is written atomically.
 *
 * `date` (ISO 8601) goes into the TIFF DateTime tag, so a set of scenes can stand for a series.
 *
 * @example
 * await writeScene('fixtures/demo.tif', { seed: 3, queueLength: 400 });
 */
export async function writeScene(outPath: string, opts: SynthOptions, write: { date?: string; tiles?: TileDelivery } = {}): Promise<RenderedScene & { paths: ScenePaths }> {
  const dateTime = write.date === undefined ? undefined : tiffDateTime(parseDateFlag(write.date));
  const delivery = write.tiles;
  if (delivery) {
    const { width, height } = resolveSynthOptions(opts);
    if (delivery.cols < 1 || delivery.rows < 1 || width / delivery.cols < 256 || height / delivery.rows < 256) {
      throw new SatcountError(`synth: --tiles ${delivery.cols}x${delivery.rows} cuts a ${width}x${height} scene into tiles under 256 pixels`);
    }
  }
  const paths = scenePaths(outPath);
  // Checked before rendering (seconds for a large scene), and no folder is made for a mistyped path.
  for (const p of Object.values(paths)) await checkWritable(p);
  const scene = await renderScene(opts);
  const { raster } = scene;
  const spec = { bands: raster.bands, dtype: raster.dtype, epsg: scene.georef.epsg, nodata: raster.nodata, compressionLevel: 9, dateTime };
  const windowOf = (ox: number, oy: number) => (x0: number, y0: number, w: number, h: number) => {
    const out = raster.dtype === 'uint8' ? new Uint8Array(w * h * raster.bands) : new Uint16Array(w * h * raster.bands);
    for (let y = 0; y < h; y++) {
      const from = ((oy + y0 + y) * raster.width + ox + x0) * raster.bands;
      out.set(raster.data.subarray(from, from + w * raster.bands), y * w * raster.bands);
    }
    return out;
  };
  const overviewsFor = (w: number, h: number) => [2, 4, 8].filter((f) => Math.max(w, h) / f >= 512);
  if (delivery) {
    const stem = paths.image.replace(/\.tif$/, '');
    const tiles = tileGrid(stem, raster.width, raster.height, delivery.cols, delivery.rows, delivery.overlap);
    for (const t of tiles) {
      const geoTransform = tileGeoTransform(scene.georef.geoTransform, t);
      await writeGeoTiff(t.file, { ...spec, width: t.width, height: t.height, geoTransform, overviews: overviewsFor(t.width, t.height) }, windowOf(t.x0, t.y0));
    }
    paths.image = `${stem}.vrt`;
    paths.tiles = tiles.map((t) => t.file);
    scene.truth.tiles = tiles.map((t) => ({ ...t, file: basename(t.file) }));
    await writeFileAtomic(paths.image, sceneVrt({ ...spec, width: raster.width, height: raster.height, geoTransform: scene.georef.geoTransform }, tiles));
  } else {
    await writeGeoTiff(
      paths.image,
      { ...spec, width: raster.width, height: raster.height, geoTransform: scene.georef.geoTransform, overviews: overviewsFor(raster.width, raster.height) },
      windowOf(0, 0),
    );
  }
  await writeFileAtomic(paths.road, `${JSON.stringify(scene.road)}\n`);
  await writeFileAtomic(paths.truth, `${formatJson(scene.truth)}\n`);
  return { ...scene, paths };
}

/** Indented JSON with number arrays (boxes, points) kept on one line, so a truth file reads well. */
function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[[-\d.,\se]+\]/g, (m) => m.replace(/\s+/g, ''));
}
