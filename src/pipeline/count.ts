import type { Logger } from 'pino';
import type { Detector } from '../detect/model.js';
import { mergeTiles, tileToPixel } from '../merge/index.js';
import type { StretchMode } from '../raster/stretch.js';
import type { RasterSource } from '../raster/types.js';
import type { WindowReads } from '../raster/worker-reads.js';
import { planTiles } from '../tiling/plan.js';
import { type Detection, type Georef, type PixelDetection, type RgbImage, type Tile, type TileDetection } from '../types.js';
import { VERSION } from '../version.js';
import type { ModelChoice } from './detectors.js';
import { countByClass, imageSection, modelSection, roundDetection, type CountResult } from './result.js';
import { allInvalid, readAhead } from './tiles.js';
import type { VisibilityGrid } from './visibility.js';

export interface CountOptions extends ModelChoice {
  /** Metres per pixel for images without georeferencing; overrides the file's. */
  gsd?: number;
  /** 1-based band indices to use as R, G, B. */
  bands?: number[];
  /** How >8-bit bands are stretched to 8 bits: each over its own 2–98 % range (default) or one shared range. */
  stretch?: StretchMode;
  /** Refuse windows beyond this many megapixels. */
  maxMegapixels?: number;
  /** Tile overlap in model pixels (default: the model's; under half the tile side). */
  overlap?: number;
  /** Count even where the pixel size is far outside the model's validated range (pixel-size.ts). */
  force?: boolean;
  /**
   * Tile side in model pixels, for a model that takes any size (a multiple of its size_multiple);
   * default SCENE_TILE_SIZE; along a road, tiles that follow the corridor (roadTiles) unless this
   * is given. A fixed-input model takes only its own.
   */
  tileSize?: number;
  logger?: Logger;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What the road stage needs from a scene run, beyond the result. */
export interface SceneRun {
  source: RasterSource;
  detector: Detector;
  gsd: number;
  tiles: Tile[];
  detections: Detection[];
  readSeconds: number;
  inferenceSeconds: number;
  tilesRun: number;
  tilesSkipped: number;
}

/** Tiles over the whole scene; `overlap` and `size` as resolveOverlap and resolveTileSize gave them. */
export function planSceneTiles(source: RasterSource, detector: Detector, gsd: number, overlap: number, size: [w: number, h: number]): Tile[] {
  const m = detector.info;
  return planTiles({
    width: source.info.width,
    height: source.info.height,
    imageGsd: gsd,
    modelGsd: m.gsd_m,
    tileWidth: size[0],
    tileHeight: size[1],
    overlap,
    sizeMultiple: m.size_multiple,
  });
}

function toDetection(d: PixelDetection, id: number, classes: string[], georef: Georef | null): Detection {
  const [x1, y1, x2, y2] = d.box;
  const center: [number, number] = [(x1 + x2) / 2, (y1 + y2) / 2];
  const crs = georef ? georef.pixelToCrs(center) : null;
  // Unrounded: the road analysis works on these; roundDetection rounds the result's copy.
  return {
    id,
    class: classes[d.classIndex] ?? `class_${d.classIndex}`,
    score: d.score,
    bbox_px: [x1, y1, x2, y2],
    center_px: center,
    center_crs: crs,
    lonlat: crs && georef ? georef.crsToLonLat(crs) : null,
    road: null,
  };
}

/** Drops detections centred on nodata: the model saw padding or masked pixels there. */
function onValidPixels(found: TileDetection[], rgb: RgbImage): TileDetection[] {
  const valid = rgb.valid;
  if (!valid) return found;
  return found.filter((d) => {
    const cx = Math.floor((d.box[0] + d.box[2]) / 2);
    const cy = Math.floor((d.box[1] + d.box[3]) / 2);
    return cx >= 0 && cy >= 0 && cx < rgb.width && cy < rgb.height && valid[cy * rgb.width + cx] === 1;
  });
}

/**
 * Detects vehicles on the given tiles of an open scene: reads each tile at the model's resolution
 * (the next one while the current is inferred), skips tiles without data, and merges across seams.
 * With `visibility`, records in it what each tile showed (the road stage's hidden stretches); a
 * count without a road skips that pass over the pixels (~4 ms per 1024² tile on the main thread).
 */
export async function detectScene(
  source: RasterSource,
  detector: Detector,
  gsd: number,
  tiles: Tile[],
  opts: Pick<CountOptions, 'logger' | 'onProgress' | 'signal'> & { reads?: WindowReads | null; visibility?: VisibilityGrid | null },
): Promise<SceneRun> {
  const perTile: PixelDetection[] = [];
  const sessionBefore = detector.sessionSeconds();
  let readSeconds = 0;
  let tilesRun = 0;
  let tilesSkipped = 0;
  let done = 0;
  opts.onProgress?.(0, tiles.length);
  // One inference asked for while the next tile is read. onnxruntime-node runs inference on this
  // thread, so it is the read worker's decoding that overlaps it; normalising a tile and decoding
  // its outputs happen between runs (~9 ms of a 1024² tile's ~60 with mirror averaging, in a CPU profile).
  type InFlight = { tile: Tile; rgb: RgbImage; found: Promise<TileDetection[]> };
  const finish = async ({ tile, rgb, found }: InFlight) => {
    perTile.push(...tileToPixel(onValidPixels(await found, rgb), tile));
    opts.onProgress?.(++done, tiles.length);
  };
  let inFlight: InFlight | null = null;
  for await (const { tile, rgb, readSeconds: rs } of readAhead(opts.reads ?? source, tiles, opts.signal, opts.reads ? 2 : 1)) {
    readSeconds += rs;
    opts.visibility?.markTile(tile, rgb);
    let next: InFlight | null = null;
    if (allInvalid(rgb)) {
      tilesSkipped++;
      opts.onProgress?.(++done, tiles.length);
    } else {
      // Marks the end of start-up for `npm run bench` (process start to first tile).
      if (tilesRun === 0) opts.logger?.debug({ width: rgb.width, height: rgb.height }, 'first tile to the model');
      next = { tile, rgb, found: detector.detect(rgb.data, rgb.width, rgb.height) };
      next.found.catch(() => undefined);
      tilesRun++;
    }
    if (inFlight) await finish(inFlight);
    inFlight = next;
  }
  if (inFlight) await finish(inFlight);
  const merged = mergeTiles(perTile, tiles, detector.info.nms_iou);
  const detections = merged.map((d, i) => toDetection(d, i + 1, detector.info.classes, source.georef));
  opts.logger?.debug({ tiles: tiles.length, tilesRun, tilesSkipped, raw: perTile.length, merged: merged.length }, 'detection done');
  return {
    source,
    detector,
    gsd,
    tiles,
    detections,
    readSeconds,
    inferenceSeconds: detector.sessionSeconds() - sessionBefore,
    tilesRun,
    tilesSkipped,
  };
}

export function baseResult(run: SceneRun, params: Record<string, unknown>, t0: number): CountResult {
  return {
    satcount: VERSION,
    image: { ...imageSection(run.source.info, run.gsd), ...(run.source.parts ? { images: run.source.parts } : {}) },
    model: modelSection(run.detector.info),
    params,
    detections: run.detections.map(roundDetection),
    counts: { total: run.detections.length, by_class: countByClass(run.detections), on_road: null, by_direction: null },
    queues: [],
    profile: null,
    road: null,
    warnings: [],
    timing: {
      tiles_planned: run.tiles.length,
      tiles: run.tilesRun,
      tiles_skipped: run.tilesSkipped,
      read_s: Math.round(run.readSeconds * 1000) / 1000,
      inference_s: Math.round(run.inferenceSeconds * 1000) / 1000,
      total_s: Math.round((performance.now() - t0)) / 1000,
    },
  };
}
