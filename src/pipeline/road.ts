import type { RasterSource } from '../raster/types.js';
import {
  buildRoadModel, densityProfile, findQueues, hiddenStretches, loadRoad, makeFrame, occludedOnImage, parseOccluded, placeOnRoad, readText,
  queueEstimate, tilesMeetingCorridor, cellsAlongCorridor, type DensityProfile, type DetectionQuality, type Estimate, type OccludedRoad, type ChainageRange, type HiddenByDirection, type HiddenStretch, type MetricFrame, type Queue, type RoadFileSettings, type RoadModel,
} from '../road/index.js';
import { corridorCell, planCorridorTiles } from '../tiling/corridor.js';
import type { Detection, Direction, ModelInfo, PixelPoint, Tile } from '../types.js';
import type { VisibilityGrid } from './visibility.js';
import { ROAD_DEFAULTS, type ResolvedRoadOptions, type RoadRunOptions } from './road-settings.js';

export { ROAD_DEFAULTS, type ResolvedRoadOptions, type RoadRunOptions } from './road-settings.js';

/** The road in the image's frame, ready to select tiles and place detections. */
export interface RoadContext {
  opts: ResolvedRoadOptions;
  /** A flag that overrode a different setting in the road file, said once. */
  warnings: string[];
  frame: MetricFrame;
  model: RoadModel;
  /** Corridor half-width in full-resolution pixels. */
  corridorPx: number;
  /** Metres per full-resolution pixel. */
  gsd: number;
  /** Road marked hidden by --occluded. */
  occluded: OccludedRoad | null;
}

export interface RoadAnalysis {
  placed: number;
  byDirection: Record<Direction, number>;
  /** Ids of the detections placed outside every lane. */
  verge: number[];
  queues: Queue[];
  /** Per queue (same order): vehicles corrected for the detector's precision and recall, with a 95 % interval; null without quality figures. */
  estimates: (Estimate | null)[];
  profile: DensityProfile;
  hidden: HiddenByDirection;
}

export async function prepareRoad(opts: RoadRunOptions, source: RasterSource, gsd: number): Promise<RoadContext> {
  const input = await loadRoad(opts.path, { roadCrs: opts.crs, name: opts.name, ref: opts.ref });
  const { resolved, warnings } = resolveRoadSettings(opts, input.settings);
  const image = { path: source.info.path, width: source.info.width, height: source.info.height, georef: source.georef, gsd_m: gsd };
  const frame = makeFrame(image);
  const model = buildRoadModel(input, frame, image);
  const occluded = opts.occluded ? occludedOnImage(parseOccluded(await readText(opts.occluded, 'occluded'), opts.occluded, opts.crs), frame, image) : null;
  return { opts: resolved, warnings, frame, model, corridorPx: opts.corridor_m / gsd, gsd, occluded };
}

/**
 * A road file made for a left-hand country says so (`drive_side`), and where its queue waits
 * (`queue_head`): ignoring that swaps forward and backward silently. A flag wins, with a warning
 * when it contradicts the file.
 */
export function resolveRoadSettings(opts: RoadRunOptions, file: RoadFileSettings): { resolved: ResolvedRoadOptions; warnings: string[] } {
  const warnings: string[] = [];
  const pick = <T extends string>(flag: T | undefined, fromFile: T | undefined, fallback: T, property: string, option: string): T => {
    if (flag !== undefined && fromFile !== undefined && flag !== fromFile) {
      warnings.push(`road ${opts.path}: ${option} ${flag} overrides the file's ${property} "${fromFile}"`);
    }
    return flag ?? fromFile ?? fallback;
  };
  return {
    resolved: {
      ...opts,
      driveSide: pick(opts.driveSide, file.driveSide, ROAD_DEFAULTS.driveSide, 'drive_side', '--drive-side'),
      queueHead: pick(opts.queueHead, file.queueHead, ROAD_DEFAULTS.queueHead, 'queue_head', '--queue-head'),
    },
    warnings,
  };
}

/** Only tiles whose core meets the corridor: every point of the corridor lies in one of their cores. */
export function corridorTiles(ctx: RoadContext, tiles: Tile[]): Tile[] {
  const meets = tilesMeetingCorridor(ctx.model, tiles.map((t) => t.core), ctx.corridorPx);
  return tiles.filter((_, i) => meets[i]);
}

/**
 * Tiles that follow the corridor (tiling/corridor.ts), for a model that takes any tile size:
 * every point of the corridor lies in one of their cores, and they infer ~⅓ of the pixels that
 * grid tiles meeting it do.
 */
export function roadTiles(ctx: RoadContext, width: number, height: number, model: ModelInfo & { size_multiple: number }, overlap: number): Tile[] {
  const cell = corridorCell(ctx.gsd, model.gsd_m, model.size_multiple);
  const along = cellsAlongCorridor(ctx.model.parts.map((p) => p.pixel), Math.ceil(width / cell.src), Math.ceil(height / cell.src), cell.src, ctx.corridorPx);
  return planCorridorTiles({ width, height, cell, overlap, along });
}

/** Places detections on the road (mutating their `road` field) and finds queues and the profile. */
export function analyseRoad(ctx: RoadContext, detections: Detection[], visibility: VisibilityGrid, quality: DetectionQuality | null = null): RoadAnalysis {
  const { opts, model, frame } = ctx;
  const placements = placeOnRoad(model, detections.map((d) => frame.pixelToMetric(d.center_px)), {
    corridor_m: opts.corridor_m,
    driveSide: opts.driveSide,
  });
  const byDirection: Record<Direction, number> = { forward: 0, backward: 0 };
  placements.forEach((p, i) => {
    if (!p) return;
    detections[i].road = {
      chainage_m: p.chainage_m,
      offset_m: p.offset_m,
      direction: p.direction,
      lane: p.lane,
      verge: p.verge,
    };
    byDirection[p.direction]++;
  });
  const occ = ctx.occluded;
  const seen = hiddenStretches(model, (p: PixelPoint) => (occ?.covers(p) ? 'occluded' : visibility.visibility(p)), { driveSide: opts.driveSide });
  // Occluded chainage ranges hide both carriageways; within the image only, as the image edge says the rest.
  const withRanges = (list: HiddenStretch[]) => [...list, ...clipToCovered(occ?.stretches ?? [], model.coveredRanges)].sort((a, b) => a.start_m - b.start_m);
  const hidden: HiddenByDirection = { forward: withRanges(seen.forward), backward: withRanges(seen.backward) };
  // Verge detections stay on the road's count but neither join nor extend a queue nor shape the profile.
  const inLanes = placements.map((p) => (p && !p.verge ? p : null));
  const queues = findQueues(inLanes, {
    // A box's long side is close to the vehicle's length at any heading (a 4.5 × 1.8 m car at
    // 45° makes a 4.5 m box), so queue gaps are free road between bumpers, trucks included.
    halfLengths: detections.map((d) => (Math.max(d.bbox_px[2] - d.bbox_px[0], d.bbox_px[3] - d.bbox_px[1]) * ctx.gsd) / 2),
    queueHead: opts.queueHead,
    hidden,
    coveredRanges: model.coveredRanges,
    length_m: model.length_m,
    maxGap_m: opts.maxGap_m,
  });
  const estimates = queues.map((q) => {
    if (!quality) return null;
    const inFill = (c: number) => q.filled.some((f) => c > f.start_m && c < f.end_m);
    const visibleChainages = inLanes
      .filter((p): p is NonNullable<typeof p> => p !== null && p.direction === q.direction && p.chainage_m >= q.start_m && p.chainage_m <= q.end_m)
      .map((p) => p.chainage_m)
      .filter((c) => !inFill(c));
    return queueEstimate(q, { visibleChainages }, quality);
  });
  return {
    estimates,
    placed: byDirection.forward + byDirection.backward,
    byDirection,
    queues,
    verge: detections.filter((d) => d.road?.verge).map((d) => d.id),
    profile: densityProfile(inLanes, model, opts.profileBin_m),
    hidden,
  };
}

function clipToCovered(stretches: readonly HiddenStretch[], covered: readonly ChainageRange[]): HiddenStretch[] {
  return stretches.flatMap((s) =>
    covered.map((c) => ({ ...s, start_m: Math.max(s.start_m, c.start_m), end_m: Math.min(s.end_m, c.end_m) })).filter((s) => s.end_m > s.start_m),
  );
}
