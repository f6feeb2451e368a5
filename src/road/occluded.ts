import { SatcountError, type PixelPoint } from '../types.js';
import { converters, type FrameImage, type MetricFrame } from './frame.js';
import { geojsonCrs, isObject, type Fail } from './load.js';
import type { ChainageRange, HiddenStretch, RoadCrs } from './types.js';

type Ring = [number, number][];

/**
 * Road the image cannot show though nothing in its pixels says so: tunnels, avalanche galleries,
 * closed canopy. Polygons in the file's CRS, or chainage ranges of the road.
 */
export interface OccludedInput {
  file: string;
  crs: RoadCrs;
  /** Each polygon as rings (outer first, then holes), in the file's CRS. */
  polygons: Ring[][];
  /** From features whose properties hold `start_m` and `end_m` (chainage along the road line). */
  ranges: ChainageRange[];
}

/**
 * Parses an `--occluded` GeoJSON: Polygon / MultiPolygon features (or bare geometries), and
 * features of any or no geometry whose properties give `start_m` and `end_m`. WGS84 unless the
 * file or `crsOverride` (--road-crs) says otherwise. Problems are SatcountError exit 2 naming the file.
 *
 * @example parseOccluded('{"type":"Feature","geometry":null,"properties":{"start_m":4200,"end_m":5100}}', 'tunnels.geojson')
 */
export function parseOccluded(text: string, file: string, crsOverride?: string): OccludedInput {
  const fail: Fail = (problem) => {
    throw new SatcountError(`occluded ${file}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  const out: OccludedInput = { file, crs: geojsonCrs(json, crsOverride, '--road-crs', fail), polygons: [], ranges: [] };
  const features = isObject(json) && json.type === 'FeatureCollection' && Array.isArray(json.features) ? json.features : [json];
  features.forEach((f: unknown, i) => {
    const where = features.length > 1 ? `feature ${i + 1}` : 'the feature';
    const props = isObject(f) && isObject(f.properties) ? f.properties : {};
    const geometry = isObject(f) && f.type === 'Feature' ? f.geometry : f;
    if (props.start_m !== undefined || props.end_m !== undefined) {
      const [a, b] = [props.start_m, props.end_m];
      if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || !(b > a) || a < 0) {
        return fail(`${where}: start_m and end_m must be chainages in metres, 0 ≤ start_m < end_m`);
      }
      out.ranges.push({ start_m: a, end_m: b });
      return;
    }
    if (!isObject(geometry)) return fail(`${where} has neither a polygon nor start_m/end_m properties`);
    if (geometry.type === 'Polygon') out.polygons.push(polygon(geometry.coordinates, where, fail));
    else if (geometry.type === 'MultiPolygon' && Array.isArray(geometry.coordinates)) {
      for (const poly of geometry.coordinates) out.polygons.push(polygon(poly, where, fail));
    } else fail(`${where}: expected a Polygon or MultiPolygon, found ${String(geometry.type)}`);
  });
  if (out.polygons.length === 0 && out.ranges.length === 0) fail('no polygon or chainage range found');
  return out;
}

function polygon(coords: unknown, where: string, fail: Fail): Ring[] {
  if (!Array.isArray(coords) || coords.length === 0) return fail(`${where}: polygon without rings`);
  return coords.map((ring) => {
    if (!Array.isArray(ring) || ring.length < 4) return fail(`${where}: a polygon ring needs at least 4 positions`);
    return ring.map((c) => {
      if (!Array.isArray(c) || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) return fail(`${where}: a position is not a pair of finite numbers`);
      return [c[0], c[1]] as [number, number];
    });
  });
}

/** Occluded road on one image: a pixel test for the polygons, and the chainage ranges as hidden stretches. */
export interface OccludedRoad {
  /** True where a pixel lies inside an occluding polygon. */
  covers(p: PixelPoint): boolean;
  stretches: HiddenStretch[];
}

/** Puts the occluded polygons on the image (pixels) and the ranges into hidden stretches. */
export function occludedOnImage(input: OccludedInput, frame: MetricFrame, image: FrameImage): OccludedRoad {
  const { toMetric, toPixel } = converters(input, frame, image, 'occluded');
  const polys = input.polygons.map((rings) => {
    const px = rings.map((ring) => ring.map((p) => toPixel(p, toMetric(p))));
    const xs = px[0].map((p) => p[0]);
    const ys = px[0].map((p) => p[1]);
    return { rings: px, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
  });
  return {
    covers: ([x, y]) =>
      polys.some(({ rings, box }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] && rings.filter((r) => insideRing(x, y, r)).length % 2 === 1),
    stretches: input.ranges.map((r) => ({ ...r, reason: 'occluded' as const })),
  };
}

/** Even-odd ray test; holes flip the parity back. */
function insideRing(x: number, y: number, ring: readonly PixelPoint[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
