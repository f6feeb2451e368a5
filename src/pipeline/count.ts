import type { Logger } from 'pino';
import type { Detector } from '../detect/model.js';
import { mergeTiles, tileToPixel } from '../merge/index.js';
import type { RasterSource } from '../raster/open.js';
import { planTiles } from '../tiling/plan.js';
import { SatcountError, type Detection, type Georef, type PixelDetection, type RgbImage, type Tile, type TileDetection } from '../types.js';
import { VERSION } from '../version.js';
import type { ModelChoice } from './detectors.js';
import { countByClass, imageSection, modelSection, type CountResult } from './result.js';
import { allInvalid, readAhead } from './tiles.js';
import { VisibilityGrid } from './visibility.js';

export interface CountOptions extends ModelChoice {
  /** Metres per pixel for images without georeferencing; overrides the file's. */
  gsd?: number;
  /** 1-based band indices to use as R, G, B. */
  bands?: number[];
  /** Refuse windows beyond this many megapixels. */
  maxMegapixels?: number;
  /** Tile overlap in model pixels (default: the model's). */
  overlap?: number;
  /**
   * Tile side in model pixels, for a model that takes any size (a multiple of its size_multiple);
   * default SCENE_TILE_SIZE, or CORRIDOR_TILE_SIZE along a road. A fixed-input model takes only its own.
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
  visibility: VisibilityGrid;
  readSeconds: number;
  inferenceSeconds: number;
  tilesRun: number;
  tilesSkipped: number;
}

export function effectiveGsd(source: RasterSource, override: number | undefined): number {
  const gsd = override ?? source.info.gsd_m;
  if (gsd === null || gsd === undefined || !(gsd > 0)) {
    throw new SatcountError(`${source.info.path}: no ground sample distance known; pass --gsd <metres per pixel>`);
  }
  return gsd;
}

/**
 * Tile side for models that take any size: of 512, 768, 1024, 1536 and 2048, the least model time
 * per km² of scene with a 64 px overlap (README "Tile size"); larger tiles infer fewer pixels twice.
 */
export const SCENE_TILE_SIZE = 1024;

/**
 * Tile side along a road corridor (±15 m is 100 px at 0.3 m): a tile of side T infers about
 * T² / (T − overlap) pixels per pixel of road, 585 at 512 against 1,092 at 1024.
 */
export const CORRIDOR_TILE_SIZE = 512;

/** The tile size a run uses (model pixels): the wanted side, checked against what the model takes. */
export function tileSize(detector: Detector, wanted: number | undefined, overlap: number, corridor = false): [w: number, h: number] {
  const m = detector.info;
  if (m.size_multiple === null) {
    if (wanted !== undefined && (wanted !== m.input_size[0] || wanted !== m.input_size[1])) {
      throw new SatcountError(`${m.path}: --tile-size ${wanted}: the model's input is fixed at ${m.input_size[0]}x${m.input_size[1]}`);
    }
    return m.input_size;
  }
  const side = wanted ?? (corridor ? CORRIDOR_TILE_SIZE : SCENE_TILE_SIZE);
  if (!Number.isInteger(side) || side % m.size_multiple !== 0 || side > 8192) {
    throw new SatcountError(`${m.path}: --tile-size ${side}: the model takes tile sides that are multiples of ${m.size_multiple}, up to 8192`);
  }
  if (overlap * 2 >= side) throw new SatcountError(`${m.path}: --tile-size ${side}: less than twice the tile overlap (${overlap} px)`);
  return [side, side];
}

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
  const round = (v: number, k = 100) => Math.round(v * k) / k;
  return {
    id,
    class: classes[d.classIndex] ?? `class_${d.classIndex}`,
    score: round(d.score, 1000),
    bbox_px: [round(x1), round(y1), round(x2), round(y2)],
    center_px: [round(center[0]), round(center[1])],
    center_crs: crs ? [round(crs[0], 1000), round(crs[1], 1000)] : null,
    lonlat: crs && georef ? (georef.crsToLonLat(crs).map((v) => round(v, 1e8)) as [number, number]) : null,
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
 */
export async function detectScene(
  source: RasterSource,
  detector: Detector,
  gsd: number,
  tiles: Tile[],
  opts: Pick<CountOptions, 'logger' | 'onProgress' | 'signal'>,
): Promise<SceneRun> {
  const visibility = VisibilityGrid.forImage(source.info.width, source.info.height, gsd);
  const perTile: PixelDetection[] = [];
  const sessionBefore = detector.sessionSeconds();
  let readSeconds = 0;
  let tilesRun = 0;
  let tilesSkipped = 0;
  let done = 0;
  opts.onProgress?.(0, tiles.length);
  // One inference in flight while the next tile is prepared: on 2 cores this keeps the share of
  // time spent outside session.run small (normalisation and decoding overlap with inference).
  type InFlight = { tile: Tile; rgb: RgbImage; found: Promise<TileDetection[]> };
  const finish = async ({ tile, rgb, found }: InFlight) => {
    perTile.push(...tileToPixel(onValidPixels(await found, rgb), tile));
    opts.onProgress?.(++done, tiles.length);
  };
  let inFlight: InFlight | null = null;
  for await (const { tile, rgb, readSeconds: rs } of readAhead(source, tiles, opts.signal)) {
    readSeconds += rs;
    visibility.markTile(tile, rgb);
    let next: InFlight | null = null;
    if (allInvalid(rgb)) {
      tilesSkipped++;
      opts.onProgress?.(++done, tiles.length);
    } else {
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
    visibility,
    readSeconds,
    inferenceSeconds: detector.sessionSeconds() - sessionBefore,
    tilesRun,
    tilesSkipped,
  };
}

export function baseResult(run: SceneRun, params: Record<string, unknown>, t0: number): CountResult {
  return {
    satcount: VERSION,
    image: imageSection(run.source.info, run.gsd),
    model: modelSection(run.detector.info),
    params,
    detections: run.detections,
    counts: { total: run.detections.length, by_class: countByClass(run.detections), on_road: null, by_direction: null },
    queues: [],
    profile: null,
    road: null,
    timing: {
      tiles: run.tilesRun,
      tiles_skipped: run.tilesSkipped,
      read_s: Math.round(run.readSeconds * 1000) / 1000,
      inference_s: Math.round(run.inferenceSeconds * 1000) / 1000,
      total_s: Math.round((performance.now() - t0)) / 1000,
    },
  };
}
