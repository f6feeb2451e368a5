import { writeGeoTiff } from '../raster/tiff/write-geotiff.js';
import { checkWritable, writeFileAtomic } from '../io/atomic.js';
import type { SynthOptions } from './options.js';
import { renderScene, type RenderedScene } from './scene.js';

/** The three files of a scene, from `<stem>.tif`: the image, `<stem>.road.geojson`, `<stem>.truth.json`. */
export interface ScenePaths {
  image: string;
  road: string;
  truth: string;
}

export function scenePaths(outPath: string): ScenePaths {
  const stem = outPath.replace(/\.tiff?$/i, '');
  return { image: `${stem}.tif`, road: `${stem}.road.geojson`, truth: `${stem}.truth.json` };
}

/**
 * Renders a scene and writes it: a tiled DEFLATE GeoTIFF (with 2x and 4x overviews when large
 * enough), the road in WGS84 GeoJSON, and the truth JSON. Each file is written atomically.
 *
 * @example
 * await writeScene('fixtures/demo.tif', { seed: 3, queueLength: 400 });
 */
export async function writeScene(outPath: string, opts: SynthOptions): Promise<RenderedScene & { paths: ScenePaths }> {
  const paths = scenePaths(outPath);
  // Checked before rendering (seconds for a large scene), and no folder is made for a mistyped path.
  for (const p of Object.values(paths)) await checkWritable(p);
  const scene = await renderScene(opts);
  const { raster } = scene;
  const overviews = [2, 4, 8].filter((f) => Math.max(raster.width, raster.height) / f >= 512);
  await writeGeoTiff(
    paths.image,
    {
      width: raster.width,
      height: raster.height,
      bands: raster.bands,
      dtype: raster.dtype,
      epsg: scene.georef.epsg,
      geoTransform: scene.georef.geoTransform,
      nodata: raster.nodata,
      overviews,
      compressionLevel: 9,
    },
    (x0, y0, w, h) => {
      const out = raster.dtype === 'uint8' ? new Uint8Array(w * h * raster.bands) : new Uint16Array(w * h * raster.bands);
      for (let y = 0; y < h; y++) {
        const from = ((y0 + y) * raster.width + x0) * raster.bands;
        out.set(raster.data.subarray(from, from + w * raster.bands), y * w * raster.bands);
      }
      return out;
    },
  );
  await writeFileAtomic(paths.road, `${JSON.stringify(scene.road)}\n`);
  await writeFileAtomic(paths.truth, `${formatJson(scene.truth)}\n`);
  return { ...scene, paths };
}

/** Indented JSON with number arrays (boxes, points) kept on one line, so a truth file reads well. */
function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[[-\d.,\se]+\]/g, (m) => m.replace(/\s+/g, ''));
}
