import { proj4 } from '../packages/proj4.js';
import { SatcountError, SettingsError, type Georef, type LonLat, type PixelPoint } from '../types.js';
import { clipSegmentToRect } from './geometry.js';
import { stitchParts } from './stitch.js';
import type { ChainageRange, MetricPoint, RoadInput, RoadModel, RoadPart } from './types.js';

/** What the frame needs to know about the image. */
export interface FrameImage {
  path: string;
  width: number;
  height: number;
  georef: Georef | null;
  /** Metres per pixel; used only when there is no georef (pixel-only images given --gsd). */
  gsd_m: number | null;
}

/**
 * The stage's working frame: metres on the ground, x east, y north, origin at the image centre.
 * Georeferenced images get a transverse Mercator centred on the image (scale error below 1e-5
 * within 30 km of the centre), so planar distances there are ground distances. Pixel-only images
 * use (px · gsd, −py · gsd), which keeps the frame right-handed like the georeferenced one.
 */
export interface MetricFrame {
  kind: 'tmerc' | 'pixel';
  /** proj4 definition of the frame; null for pixel-only images. */
  proj4: string | null;
  pixelToMetric(p: PixelPoint): MetricPoint;
  metricToPixel(p: MetricPoint): PixelPoint;
  /** Projects from any proj4 CRS into the frame; null for pixel-only images. */
  fromCrs: ((def: string) => (p: [number, number]) => MetricPoint) | null;
  metricToLonLat: ((p: MetricPoint) => LonLat) | null;
}

/** @example makeFrame({ path: 'a.tif', width: 1000, height: 800, georef, gsd_m: 0.3 }) */
export function makeFrame(image: FrameImage): MetricFrame {
  const { georef } = image;
  if (!georef) {
    const gsd = image.gsd_m;
    if (gsd === null || !(gsd > 0)) {
      throw new SettingsError('gsd', (n) => `image ${image.path}: no georeferencing and no pixel size; give ${n} for road analysis`);
    }
    return {
      kind: 'pixel',
      proj4: null,
      pixelToMetric: ([x, y]) => [x * gsd, -y * gsd],
      metricToPixel: ([x, y]) => [x / gsd, -y / gsd],
      fromCrs: null,
      metricToLonLat: null,
    };
  }
  const [lon0, lat0] = georef.crsToLonLat(georef.pixelToCrs([image.width / 2, image.height / 2]));
  const def = `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs`;
  const lonLat = proj4('WGS84', def);
  return {
    kind: 'tmerc',
    proj4: def,
    pixelToMetric: (p) => lonLat.forward(georef.crsToLonLat(georef.pixelToCrs(p))) as MetricPoint,
    metricToPixel: (m) => georef.crsToPixel(georef.lonLatToCrs(lonLat.inverse(m) as LonLat)),
    fromCrs: (crsDef) => {
      const converter = proj4(crsDef, def);
      return (p) => converter.forward(p) as MetricPoint;
    },
    metricToLonLat: (m) => lonLat.inverse(m) as LonLat,
  };
}

export interface BuildRoadOptions {
  /**
   * Longest segment kept, metres. A segment straight in the road's CRS bends slightly in the
   * frame; splitting long ones keeps that bend well under a centimetre.
   */
  maxSegment_m?: number;
  /** Piece ends closer than this join when a road comes in pieces (see stitch.ts). */
  joinTolerance_m?: number;
}

/**
 * Puts a parsed road into the frame: metric and pixel vertices, chainage, and the chainage
 * ranges that lie inside the image. A road that misses the image is SatcountError exit 2.
 */
export function buildRoadModel(input: RoadInput, frame: MetricFrame, image: FrameImage, opts: BuildRoadOptions = {}): RoadModel {
  const maxSegment = opts.maxSegment_m ?? 100;
  const { toMetric, toPixel } = converters(input, frame, image);
  // Several pieces are put in order first (OSM ways come unordered, some drawn the other way);
  // a single line is taken as drawn.
  const stitched = input.parts.length > 1
    ? stitchParts(input.parts, toMetric, { file: input.file, labels: input.labels, joinTolerance_m: opts.joinTolerance_m })
    : null;
  const parts: RoadPart[] = [];
  let chainage = 0;
  for (const source of stitched?.parts ?? input.parts) {
    const metric: MetricPoint[] = [toMetric(source[0])];
    const pixel: PixelPoint[] = [toPixel(source[0], metric[0])];
    const chain = [chainage];
    for (let i = 1; i < source.length; i++) {
      const a = source[i - 1];
      const b = source[i];
      const end = toMetric(b);
      const pieces = Math.max(1, Math.ceil(distance(metric[metric.length - 1], end) / maxSegment));
      for (let k = 1; k <= pieces; k++) {
        const t = k / pieces;
        const src: [number, number] = k === pieces ? b : [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
        const m = k === pieces ? end : toMetric(src);
        chainage += distance(metric[metric.length - 1], m);
        metric.push(m);
        pixel.push(toPixel(src, m));
        chain.push(chainage);
      }
    }
    parts.push({ metric, pixel, chainage: chain });
  }
  const coveredRanges = coverage(parts, image.width, image.height);
  if (coveredRanges.length === 0) {
    throw new SatcountError(`road ${input.file} does not cross image ${image.path}`);
  }
  return {
    file: input.file,
    parts,
    length_m: chainage,
    coveredRanges,
    imageWidth: image.width,
    imageHeight: image.height,
    pieces: stitched?.report ?? null,
  };
}

/** Projects a file's coordinates into the frame (metric) and onto the image (pixel); exit 2 when it cannot. */
export function converters(input: Pick<RoadInput, 'file' | 'crs'>, frame: MetricFrame, image: FrameImage, what = 'road') {
  if (input.crs.kind === 'pixel') {
    return {
      toMetric: (p: [number, number]) => frame.pixelToMetric(p),
      toPixel: (p: [number, number]): PixelPoint => [p[0], p[1]],
    };
  }
  if (!frame.fromCrs) {
    const crsName = input.crs.name;
    throw new SettingsError(
      'road.crs',
      (n) => `${what} ${input.file} is in ${crsName} but image ${image.path} has no georeferencing; give it in pixels with ${n} pixel`,
    );
  }
  const project = frame.fromCrs(input.crs.proj4);
  return {
    toMetric: (p: [number, number]) => {
      const m = project(p);
      if (!Number.isFinite(m[0]) || !Number.isFinite(m[1])) {
        throw new SatcountError(`${what} ${input.file}: vertex ${JSON.stringify(p)} cannot be projected from ${input.crs.kind === 'proj4' ? input.crs.name : ''}`);
      }
      return m;
    },
    toPixel: (_p: [number, number], m: MetricPoint) => frame.metricToPixel(m),
  };
}

/** Chainage ranges whose pixel position lies inside the image rectangle, merged and ascending. */
function coverage(parts: RoadPart[], width: number, height: number): ChainageRange[] {
  const ranges: ChainageRange[] = [];
  for (const part of parts) {
    for (let i = 1; i < part.pixel.length; i++) {
      const clip = clipSegmentToRect(part.pixel[i - 1], part.pixel[i], 0, 0, width, height);
      if (!clip) continue;
      const c0 = part.chainage[i - 1];
      const span = part.chainage[i] - c0;
      const start = c0 + clip[0] * span;
      const end = c0 + clip[1] * span;
      const last = ranges[ranges.length - 1];
      if (last && start - last.end_m < 1e-6) last.end_m = Math.max(last.end_m, end);
      else ranges.push({ start_m: start, end_m: end });
    }
  }
  return ranges.filter((r) => r.end_m > r.start_m);
}

function distance(a: MetricPoint, b: MetricPoint): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1]);
}
