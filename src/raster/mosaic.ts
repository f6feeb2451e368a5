import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { SatcountError, type GeoTransform, type PixelWindow, type RgbImage } from '../types.js';
import { georefFrom } from './geo/georef.js';
import { openRaster, type OpenOptions, type RasterSource } from './open.js';
import { isUrl } from './sources/files.js';
import { vrtSources } from './vrt.js';

/** One image of a mosaic and where it sits in the mosaic's pixel grid. */
export type MosaicPart = NonNullable<RasterSource['parts']>[number];

type Rect = { x0: number; y0: number; x1: number; y1: number };

/**
 * Opens what the user named as one image: a single file or URL as before; several images, a
 * folder of GeoTIFFs or a GDAL VRT as one mosaic (see openMosaic).
 *
 * @example const src = await openImages(['R1C1.tif', 'R1C2.tif'], { gsd: undefined })
 */
export async function openImages(inputs: readonly string[], opts: OpenOptions = {}): Promise<RasterSource> {
  if (inputs.length === 1 && !isUrl(inputs[0])) {
    const st = await stat(inputs[0]).catch(() => null);
    if (st?.isDirectory()) return openMosaic(await folderImages(inputs[0]), inputs[0], opts);
    if (extname(inputs[0]).toLowerCase() === '.vrt') return openMosaic(await vrtSources(inputs[0]), inputs[0], opts);
  }
  if (inputs.length === 1) return openRaster(inputs[0], opts);
  return openMosaic(inputs, inputs.join(','), opts);
}

async function folderImages(dir: string): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /\.tiff?$/i.test(f)).sort();
  if (files.length === 0) throw new SatcountError(`${dir}: folder holds no .tif images`);
  return files.map((f) => join(dir, f));
}

/**
 * Several images of one acquisition as one RasterSource over their union. They must share CRS,
 * pixel size and grid (else SatcountError exit 2 naming the difference). Each ground point is read
 * from one image: where images overlap, the overlap is split down its middle, so every pixel of
 * the union has one owner and nothing is counted twice; pixels no image covers are invalid.
 */
export async function openMosaic(paths: readonly string[], label: string, opts: OpenOptions = {}): Promise<RasterSource> {
  const sources: RasterSource[] = [];
  try {
    for (const p of paths) sources.push(await openRaster(p, { ...opts, maxMegapixels: undefined }));
    return mosaicOf(sources, label, opts);
  } catch (err) {
    await Promise.all(sources.map((s) => s.close()));
    throw err;
  }
}

function mosaicOf(sources: RasterSource[], label: string, opts: OpenOptions): RasterSource {
  const first = sources[0];
  const gt0 = gridOf(first);
  for (const s of sources.slice(1)) {
    const gt = gridOf(s);
    if ((s.info.crsProj4 ?? s.info.crs) !== (first.info.crsProj4 ?? first.info.crs)) {
      throw new SatcountError(`${s.info.path}: CRS ${s.info.crs ?? s.info.crsProj4} differs from ${first.info.path}'s ${first.info.crs ?? first.info.crsProj4}; a mosaic needs one CRS`);
    }
    if (Math.abs(gt[1] - gt0[1]) > 1e-9 * Math.abs(gt0[1]) || Math.abs(gt[5] - gt0[5]) > 1e-9 * Math.abs(gt0[5])) {
      throw new SatcountError(`${s.info.path}: pixel size ${gt[1]} × ${-gt[5]} differs from ${first.info.path}'s ${gt0[1]} × ${-gt0[5]}; a mosaic needs one pixel size`);
    }
    const dx = (gt[0] - gt0[0]) / gt0[1];
    const dy = (gt[3] - gt0[3]) / gt0[5];
    if (Math.abs(dx - Math.round(dx)) > 1e-3 || Math.abs(dy - Math.round(dy)) > 1e-3) {
      throw new SatcountError(`${s.info.path}: its pixel grid is shifted by a fraction of a pixel from ${first.info.path}'s; resample onto one grid first`);
    }
    if (s.info.bands !== first.info.bands || s.info.dtype !== first.info.dtype) {
      throw new SatcountError(`${s.info.path}: ${s.info.bands} bands of ${s.info.dtype}, unlike ${first.info.path}'s ${first.info.bands} of ${first.info.dtype}`);
    }
  }
  const offsets = sources.map((s) => {
    const gt = gridOf(s);
    return { x: Math.round((gt[0] - gt0[0]) / gt0[1]), y: Math.round((gt[3] - gt0[3]) / gt0[5]) };
  });
  const minX = Math.min(...offsets.map((o) => o.x));
  const minY = Math.min(...offsets.map((o) => o.y));
  const parts: MosaicPart[] = sources.map((s, i) => ({ path: s.info.path, x0: offsets[i].x - minX, y0: offsets[i].y - minY, width: s.info.width, height: s.info.height }));
  const width = Math.max(...parts.map((p) => p.x0 + p.width));
  const height = Math.max(...parts.map((p) => p.y0 + p.height));
  if (opts.maxMegapixels !== undefined && width * height > opts.maxMegapixels * 1e6) {
    throw new SatcountError(`${label}: mosaic of ${width}x${height} is over --max-megapixels ${opts.maxMegapixels}`);
  }
  const owned = ownership(parts);
  const geoTransform: GeoTransform = [gt0[0] + minX * gt0[1], gt0[1], 0, gt0[3] + minY * gt0[5], 0, gt0[5]];
  const georef = georefFrom(geoTransform, first.georef!.proj4);
  const notes = [...new Set(sources.flatMap((s) => s.notes))];
  return {
    info: { ...first.info, path: label, width, height, geoTransform, overviews: 0 },
    georef,
    notes,
    grey: first.grey,
    stretch: first.stretch,
    parts,
    async readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage> {
      const data = new Uint8Array(outW * outH * 3);
      const valid = new Uint8Array(outW * outH);
      const sx = outW / win.width;
      const sy = outH / win.height;
      for (let i = 0; i < sources.length; i++) {
        const own = owned[i];
        if (own.x1 <= win.x || own.x0 >= win.x + win.width || own.y1 <= win.y || own.y0 >= win.y + win.height) continue;
        const part = parts[i];
        const rgb = await sources[i].readRgb({ ...win, x: win.x - part.x0, y: win.y - part.y0 }, outW, outH);
        // Output pixels whose centres this image owns: a rectangle, so a column range copied row by row.
        const ownsX = (ox: number) => {
          const x = win.x + (ox + 0.5) / sx;
          return x >= own.x0 && x < own.x1;
        };
        let ox0 = 0;
        while (ox0 < outW && !ownsX(ox0)) ox0++;
        let ox1 = ox0;
        while (ox1 < outW && ownsX(ox1)) ox1++;
        if (ox1 === ox0) continue;
        for (let oy = 0; oy < outH; oy++) {
          const y = win.y + (oy + 0.5) / sy;
          if (y < own.y0 || y >= own.y1) continue;
          const k0 = oy * outW + ox0;
          const k1 = oy * outW + ox1;
          data.set(rgb.data.subarray(k0 * 3, k1 * 3), k0 * 3);
          if (rgb.valid) valid.set(rgb.valid.subarray(k0, k1), k0);
          else valid.fill(1, k0, k1);
        }
      }
      return { width: outW, height: outH, data, valid };
    },
    close: async () => {
      await Promise.all(sources.map((s) => s.close()));
    },
  };
}

function gridOf(s: RasterSource): GeoTransform {
  const gt = s.info.geoTransform;
  if (!s.georef || !gt) throw new SatcountError(`${s.info.path}: not georeferenced; a mosaic places its images by their georeferencing`);
  if (gt[2] !== 0 || gt[4] !== 0) throw new SatcountError(`${s.info.path}: rotated pixel grid; a mosaic needs north-up images`);
  return gt;
}

/**
 * The part of the union each image is read for: its bounds, cut at the middle of every overlap
 * with a neighbour — across the overlap's narrower side, so side-by-side tiles split left/right
 * and stacked ones top/bottom. For a vendor's grid of tiles this partitions the union.
 */
function ownership(parts: readonly MosaicPart[]): Rect[] {
  const rects = parts.map((p) => ({ x0: p.x0, y0: p.y0, x1: p.x0 + p.width, y1: p.y0 + p.height }));
  const out = rects.map((r) => ({ ...r }));
  for (let i = 0; i < rects.length; i++) {
    for (let j = 0; j < rects.length; j++) {
      if (i === j) continue;
      const a = rects[i];
      const b = rects[j];
      const ox = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const oy = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (ox <= 0 || oy <= 0) continue;
      // Identical footprints: the one listed first keeps it.
      if (ox >= Math.min(a.x1 - a.x0, b.x1 - b.x0) && oy >= Math.min(a.y1 - a.y0, b.y1 - b.y0)) {
        if (j < i) out[i] = { x0: 0, y0: 0, x1: 0, y1: 0 };
        continue;
      }
      if (ox <= oy) {
        const mid = Math.round((Math.max(a.x0, b.x0) + Math.min(a.x1, b.x1)) / 2);
        if (a.x0 + a.x1 < b.x0 + b.x1) out[i].x1 = Math.min(out[i].x1, mid);
        else out[i].x0 = Math.max(out[i].x0, mid);
      } else {
        const mid = Math.round((Math.max(a.y0, b.y0) + Math.min(a.y1, b.y1)) / 2);
        if (a.y0 + a.y1 < b.y0 + b.y1) out[i].y1 = Math.min(out[i].y1, mid);
        else out[i].y0 = Math.max(out[i].y0, mid);
      }
    }
  }
  return out;
}
