import { SatcountError, type Direction, type GeoTransform, type LonLat, type PixelBox, type PixelPoint } from '../types.js';
import { Canvas, type Window } from './canvas.js';
import { sceneGeoref } from './georef.js';
import { paintGround, paintRoad, roadField } from './ground.js';
import { HiddenProbe, paintHidden, planHidden, type HiddenStretch } from './hidden.js';
import { paintBuildingShadows, paintBuildings, paintTreeShadows, paintTrees, placeBuildings, placeCanopy, placeTrees } from './objects.js';
import { applyOptics, type SceneRaster } from './optics.js';
import { resolveSynthOptions, type ResolvedSynthOptions, type SynthOptions } from './options.js';
import { createRng, hash2, type Rng } from '../random/prng.js';
import { densify, roadLine } from './road.js';
import { pickSun } from './sun.js';
import type { SceneTile } from './tiles.js';
import { paintValleyShadows, planValleyShadows } from './terrain.js';
import { jammedDirection, placeTraffic, roadProfile, type PlacedVehicle, type VehicleClass } from './traffic.js';
import { footprint, footprintBox, occludedFraction, paintVehicle, paintVehicleShadow } from './vehicles.js';

export interface TruthVehicle {
  id: number;
  class: VehicleClass;
  bbox_px: PixelBox;
  center_px: PixelPoint;
  lonlat: LonLat;
  direction: Direction;
  /** 0 = lane nearest the centre line. */
  lane: number;
  chainage_m: number;
  /** Positive right of the road line's drawing direction. */
  offset_m: number;
  length_m: number;
  width_m: number;
  /** Part of a queue (false: moving traffic). */
  queued: boolean;
  /** Half or more of the vehicle lies under nodata, cloud or tree crowns. */
  hidden: boolean;
  occluded_fraction: number;
}

export interface TruthQueue {
  direction: Direction;
  /** True for a jam; false for sparse moving traffic (then the extent is just where vehicles are). */
  jammed: boolean;
  lanes: number;
  /** Chainage of the rearmost and foremost bumpers in the queue. */
  start_m: number;
  end_m: number;
  length_m: number;
  vehicles: number;
  vehicles_visible: number;
}

export interface SceneTruth {
  satcount_synth: 1;
  seed: number;
  options: ResolvedSynthOptions;
  image: { width: number; height: number; bands: number; dtype: string; crs: string; gsd_m: number; geotransform: GeoTransform; nodata: number };
  road: {
    /** The road line in full-resolution pixel coordinates (the GeoJSON holds it in WGS84). */
    pixel: PixelPoint[];
    length_m: number;
    lanes_per_direction: number;
    lane_width_m: number;
    /** Centre line to the asphalt edge. */
    half_width_m: number;
    drive_side: 'right' | 'left';
    queue_head: 'start' | 'end';
  };
  sun: { azimuth_deg: number; elevation_deg: number };
  vehicles: TruthVehicle[];
  queues: TruthQueue[];
  hidden: HiddenStretch[];
  /** Stretches of closed tree canopy over both carriageways (--canopy), chainage in metres. */
  canopy: { start_m: number; end_m: number }[];
  counts: { total: number; visible: number; by_class: Record<VehicleClass, number>; by_direction: Record<Direction, number> };
  /** When delivered as tiles: each tile's file (beside the VRT) and place in the scene's pixel grid. */
  tiles?: SceneTile[];
}

/** RFC 7946 FeatureCollection holding the road centre line. */
export interface RoadGeoJson {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    properties: Record<string, string | number>;
    geometry: { type: 'LineString'; coordinates: LonLat[] };
  }>;
}

export interface RenderedScene {
  raster: SceneRaster;
  georef: { epsg: number; geoTransform: GeoTransform };
  truth: SceneTruth;
  /** The road centre line, WGS84 (RFC 7946). */
  road: RoadGeoJson;
}

/** Longest segment of the written road line, metres: lon/lat- and grid-straight differ by < 1 mm over it. */
const ROAD_FILE_STEP_M = 100;

/**
 * Renders a synthetic satellite scene of a road with a queue, and its exact truth. Deterministic:
 * the same options (seed included) give the same pixels and truth.
 *
 * @example
 * const { raster, truth } = await renderScene({ seed: 7, width: 1200, height: 600, queueLength: 300 });
 */
export async function renderScene(opts: SynthOptions, render: { stripPx?: number } = {}): Promise<RenderedScene> {
  const o = resolveSynthOptions(opts);
  const { gsd, width, height } = o;
  const rng = createRng(o.seed);
  const seedOf = (k: number) => hash2(o.seed, k);
  const georef = sceneGeoref(o.center, gsd, width, height, o.crs);
  const profile = roadProfile(o.lanes, rng.fork(1));
  const line = roadLine(o.road, width, height, (profile.halfWidth + profile.verge + 3) / gsd, gsd, rng.fork(2));
  const roadLength = line.length * gsd;
  if (roadLength < 30) throw new SatcountError(`synth: --size ${width}x${height} leaves only ${roadLength.toFixed(0)} m of road`);
  const sun = pickSun(gsd, rng.fork(3));

  const inside = ({ cx, cy }: { cx: number; cy: number }) => cx >= 0 && cy >= 0 && cx < width && cy < height;
  const placed = placeTraffic(o, profile, roadLength, rng.fork(4))
    .map((v) => ({ v, f: footprint(v, line, gsd) }))
    .filter(({ f }) => inside(f));

  const buildings = placeBuildings(width, height, line, profile, gsd, rng.fork(7));
  const jam = placed.filter(({ v }) => v.direction === jammedDirection(o)).map(({ v }) => v);
  const [qa, qb] = extent(jam);
  const canopy = planCanopy(o.canopy, jam.length > 0 ? [qa, qb] : [0, roadLength], rng.fork(14));
  const trees = [...placeTrees(width, height, line, profile, gsd, rng.fork(8)), ...placeCanopy(line, profile, gsd, canopy, rng.fork(15))];
  const plans = o.hidden > 0 && jam.length > 0 ? planHidden(qa, qb, o.hidden) : [];
  const valleyShadows = o.road === 'mountain' ? planValleyShadows(width, height, gsd, rng.fork(13)) : [];
  const probe = new HiddenProbe(line, gsd, plans, width, height);
  const occluded = new Float32Array(placed.length);

  // Strip by strip along the long side, each with a margin wide enough for shadows, tree crowns,
  // vehicles straddling the cut and the optics' blur, so memory stays bounded whatever the size.
  const raster = emptyRaster(width, height, o.bands);
  for (const strip of strips(width, height, gsd, render.stripPx ?? STRIP_CORE_PX)) {
    const canvas = new Canvas(width, height, strip.win);
    paintGround(canvas, gsd, seedOf(5));
    paintRoad(canvas, roadField(strip.win, line, (profile.halfWidth + profile.verge + 1) / gsd), profile, gsd, seedOf(6));
    paintBuildingShadows(canvas, buildings, sun);
    for (const { v, f } of placed) paintVehicleShadow(canvas, v, f, sun, gsd);
    for (const { v, f } of placed) paintVehicle(canvas, v, f, gsd);
    paintTreeShadows(canvas, trees, sun, gsd, seedOf(9));
    paintBuildings(canvas, buildings, sun, rng.fork(10));
    paintTrees(canvas, trees, sun, gsd, seedOf(9));
    paintValleyShadows(canvas, valleyShadows);
    const nodata = paintHidden(canvas, line, gsd, plans, seedOf(11));
    probe.record(canvas, nodata, strip.core);
    placed.forEach(({ f }, i) => {
      if (f.cx >= strip.core.x0 && f.cx < strip.core.x1 && f.cy >= strip.core.y0 && f.cy < strip.core.y1) occluded[i] = occludedFraction(canvas, f);
    });
    copyCore(await applyOptics(canvas, o.bands, nodata, seedOf(12)), strip, raster);
  }
  const hidden = probe.stretches();

  const vehicles = placed
    .map(({ v, f }, i) => ({ v, f, occluded: occluded[i] }))
    .sort((a, b) => (a.v.direction === b.v.direction ? a.v.s - b.v.s || a.v.lane - b.v.lane : a.v.direction === 'forward' ? -1 : 1))
    .map(({ v, f, occluded }, i): TruthVehicle => ({
      id: i + 1,
      class: v.cls,
      bbox_px: footprintBox(f).map(r2) as PixelBox,
      center_px: [r2(f.cx), r2(f.cy)],
      lonlat: lonLat(georef.pixelToLonLat([f.cx, f.cy])),
      direction: v.direction,
      lane: v.lane,
      chainage_m: r2(v.s),
      offset_m: r2(v.offset),
      length_m: r2(v.length),
      width_m: r2(v.width),
      queued: v.queued,
      hidden: occluded >= 0.5,
      occluded_fraction: r2(occluded),
    }));

  const truth: SceneTruth = {
    satcount_synth: 1,
    seed: o.seed,
    options: o,
    image: { width, height, bands: raster.bands, dtype: raster.dtype, crs: georef.crs, gsd_m: gsd, geotransform: georef.geoTransform, nodata: raster.nodata },
    road: {
      pixel: line.points.map(([x, y]) => [r2(x), r2(y)]),
      length_m: r2(roadLength),
      lanes_per_direction: o.lanes,
      lane_width_m: r2(profile.laneWidth),
      half_width_m: r2(profile.halfWidth),
      drive_side: o.driveSide,
      queue_head: o.queueHead,
    },
    sun: { azimuth_deg: r2(sun.azimuthDeg), elevation_deg: r2(sun.elevationDeg) },
    vehicles,
    queues: queues(o, placed.map(({ v }) => v), vehicles),
    hidden,
    canopy,
    counts: counts(vehicles),
  };
  const road: RoadGeoJson = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { name: 'synthetic road', lanes_per_direction: o.lanes, drive_side: o.driveSide, queue_head: o.queueHead },
        // The image's road is straight between vertices in the projected grid, the file's in lon/lat
        // (RFC 7946); over 10 km the two drift ~2 m apart, so the file gets a vertex every 100 m.
        geometry: { type: 'LineString', coordinates: densify(line.points, ROAD_FILE_STEP_M / gsd).map((p) => lonLat(georef.pixelToLonLat(p))) },
      },
    ],
  };
  return { raster, georef: { epsg: georef.epsg, geoTransform: georef.geoTransform }, truth, road };
}

/** Strip cores along the long side, a multiple of 16 px (JPEG blocks line up across strips). */
const STRIP_CORE_PX = 2048;
/** Margin each side of a strip core, metres: the longest shadow or crown reaching into it. */
const STRIP_MARGIN_M = 40;

interface Strip {
  win: Window;
  core: { x0: number; y0: number; x1: number; y1: number };
}

function strips(width: number, height: number, gsd: number, corePx: number): Strip[] {
  const along = width >= height;
  const long = along ? width : height;
  const margin = Math.ceil(STRIP_MARGIN_M / gsd / 16) * 16;
  const out: Strip[] = [];
  for (let a = 0; a < long; a += corePx) {
    const b = Math.min(long, a + corePx);
    const lo = Math.max(0, a - margin);
    const hi = Math.min(long, b + margin);
    out.push(
      along
        ? { win: { x0: lo, y0: 0, w: hi - lo, h: height }, core: { x0: a, y0: 0, x1: b, y1: height } }
        : { win: { x0: 0, y0: lo, w: width, h: hi - lo }, core: { x0: 0, y0: a, x1: width, y1: b } },
    );
  }
  return out;
}

function emptyRaster(width: number, height: number, bands: SynthOptions['bands']): SceneRaster {
  const n = width * height;
  return bands === 'rgbn16'
    ? { width, height, bands: 4, dtype: 'uint16', nodata: 0, data: new Uint16Array(n * 4) }
    : { width, height, bands: 3, dtype: 'uint8', nodata: 0, data: new Uint8Array(n * 3) };
}

/** Copies the strip's core out of its window raster into the scene raster. */
function copyCore(part: SceneRaster, strip: Strip, into: SceneRaster): void {
  const { win, core } = strip;
  const b = into.bands;
  for (let y = core.y0; y < core.y1; y++) {
    const from = ((y - win.y0) * win.w + (core.x0 - win.x0)) * b;
    into.data.set(part.data.subarray(from, from + (core.x1 - core.x0) * b), (y * into.width + core.x0) * b);
  }
}

/** `n` stretches of canopy, 40–100 m, one in each of n equal parts of [a, b] (metres of chainage). */
function planCanopy(n: number, [a, b]: [number, number], rng: Rng): { start_m: number; end_m: number }[] {
  const part = (b - a) / Math.max(1, n);
  return Array.from({ length: n }, (_, i) => {
    const length = Math.min(rng.uniform(40, 100), 0.6 * part);
    const start = a + i * part + rng.uniform(0.2, 0.8) * (part - length);
    return { start_m: r2(start), end_m: r2(start + length) };
  });
}

function extent(vs: PlacedVehicle[]): [number, number] {
  if (vs.length === 0) return [0, 0];
  return [Math.min(...vs.map((v) => v.s - v.length / 2)), Math.max(...vs.map((v) => v.s + v.length / 2))];
}

function queues(o: ResolvedSynthOptions, placed: PlacedVehicle[], truth: TruthVehicle[]): TruthQueue[] {
  const jammed = jammedDirection(o);
  return (['forward', 'backward'] as const)
    .map((direction) => {
      const vs = placed.filter((v) => v.direction === direction);
      const [start, end] = extent(vs);
      const isJam = direction === jammed || o.otherDirection === 'jam';
      return {
        direction,
        jammed: isJam,
        lanes: o.lanes,
        start_m: r2(start),
        end_m: r2(end),
        length_m: r2(end - start),
        vehicles: vs.length,
        vehicles_visible: truth.filter((t) => t.direction === direction && !t.hidden).length,
      };
    })
    .filter((q) => q.vehicles > 0);
}

function counts(vs: TruthVehicle[]): SceneTruth['counts'] {
  const by = <K extends string>(keys: readonly K[], get: (v: TruthVehicle) => K) =>
    Object.fromEntries(keys.map((k) => [k, vs.filter((v) => get(v) === k).length])) as Record<K, number>;
  return {
    total: vs.length,
    visible: vs.filter((v) => !v.hidden).length,
    by_class: by(['car', 'van', 'truck'] as const, (v) => v.class),
    by_direction: by(['forward', 'backward'] as const, (v) => v.direction),
  };
}

function r2(v: number): number {
  return Math.round(v * 100) / 100;
}

function lonLat([lon, lat]: LonLat): LonLat {
  return [Math.round(lon * 1e8) / 1e8, Math.round(lat * 1e8) / 1e8];
}
