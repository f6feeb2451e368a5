import { SatcountError, SettingsError, type PixelBox, type PixelPoint } from '../../types.js';
import type { LabelBox, LabelTarget } from '../types.js';

/**
 * Ground size given to a point label: a car's length, both ways, since points carry no heading.
 * A tight box on a car along an axis (4.5 × 1.8 m) then overlaps it by IoU 0.4: enough for the
 * default `--iou 0.3`, not for 0.5.
 */
export const POINT_VEHICLE_SIZE_M = 4.5;

/** Property names tried, in order, for a feature's class; features without any are "vehicle". */
const CLASS_PROPERTIES = ['class', 'class_name', 'className', 'category', 'label', 'type'];

type Position = [number, number];
interface Geometry {
  type: string;
  coordinates: unknown;
}

/** True when a parsed JSON document is a GeoJSON Feature, FeatureCollection or geometry. */
export function isGeoJson(doc: unknown): boolean {
  if (typeof doc !== 'object' || doc === null) return false;
  const type = (doc as { type?: unknown }).type;
  return typeof type === 'string' && ['FeatureCollection', 'Feature', 'Point', 'MultiPoint', 'Polygon', 'MultiPolygon'].includes(type);
}

/**
 * Labels of one image from GeoJSON points or polygons. Positions go through `target.toPixel`;
 * a polygon becomes its pixel bounding box, a point a square of `pointSize_m` on the ground
 * (needs `target.gsd_m`). Boxes are clipped to the image and those outside it dropped, so one file
 * can label many images.
 *
 * @example parseGeoJsonLabels({ type: 'Point', coordinates: [10, 10] },
 *   { path: 'a.png', width: 100, height: 100, gsd_m: 0.5, toPixel: (c) => c })
 *   // → [{ box: [5.5, 5.5, 14.5, 14.5], className: 'vehicle' }]
 */
export function parseGeoJsonLabels(
  doc: unknown,
  target: LabelTarget,
  source = 'GeoJSON labels',
  pointSize_m = POINT_VEHICLE_SIZE_M,
): LabelBox[] {
  if (!isGeoJson(doc)) throw new SatcountError(`${source}: not a GeoJSON Feature, FeatureCollection, point or polygon`);
  const toPixel = target.toPixel;
  if (!toPixel) throw new SatcountError(`${source}: GeoJSON labels need a georeferenced image, and ${target.path} has none`);
  const out: LabelBox[] = [];
  for (const [i, feature] of features(doc).entries()) {
    if (!feature.geometry) continue;
    const where = `${source}: feature ${i}`;
    const className = classOf(feature.properties);
    for (const box of boxesOf(feature.geometry, toPixel, target, pointSize_m, where)) {
      const clipped = clip(box, target.width, target.height);
      if (clipped) out.push({ box: clipped, className });
    }
  }
  return out;
}

interface Feature {
  geometry: Geometry | null;
  properties: Record<string, unknown> | null;
}

function features(doc: unknown): Feature[] {
  const d = doc as { type: string; features?: unknown; geometry?: unknown; properties?: unknown };
  if (d.type === 'FeatureCollection') return Array.isArray(d.features) ? (d.features as Feature[]) : [];
  if (d.type === 'Feature') return [d as unknown as Feature];
  return [{ geometry: d as unknown as Geometry, properties: null }];
}

function classOf(props: Record<string, unknown> | null): string {
  for (const key of CLASS_PROPERTIES) {
    const v = props?.[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return 'vehicle';
}

function boxesOf(
  g: Geometry,
  toPixel: (c: Position) => PixelPoint,
  target: LabelTarget,
  pointSize_m: number,
  where: string,
): PixelBox[] {
  const c = g.coordinates;
  switch (g.type) {
    case 'Point':
      return [pointBox(toPixel(position(c, where)), target, pointSize_m, where)];
    case 'MultiPoint':
      return list(c, where).map((p) => pointBox(toPixel(position(p, where)), target, pointSize_m, where));
    case 'Polygon':
      return [bounds(list(list(c, where)[0], where).map((p) => toPixel(position(p, where))), where)];
    case 'MultiPolygon':
      return list(c, where).map((poly) => bounds(list(list(poly, where)[0], where).map((p) => toPixel(position(p, where))), where));
    default:
      throw new SatcountError(`${where}: ${g.type} is not a label geometry (use Point or Polygon)`);
  }
}

function pointBox([x, y]: PixelPoint, target: LabelTarget, size_m: number, where: string): PixelBox {
  if (!target.gsd_m) {
    throw new SettingsError('gsd', (n) => `${where}: a point label needs the pixel size of ${target.path} (give ${n})`);
  }
  const half = size_m / target.gsd_m / 2;
  return [x - half, y - half, x + half, y + half];
}

function bounds(points: PixelPoint[], where: string): PixelBox {
  if (points.length < 3) throw new SatcountError(`${where}: a polygon needs at least 3 positions`);
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function clip(b: PixelBox, width: number, height: number): PixelBox | null {
  const out: PixelBox = [Math.max(0, b[0]), Math.max(0, b[1]), Math.min(width, b[2]), Math.min(height, b[3])];
  return out[2] > out[0] && out[3] > out[1] ? out : null;
}

function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new SatcountError(`${where}: coordinates are not an array`);
  return v;
}

function position(v: unknown, where: string): Position {
  if (!Array.isArray(v) || v.length < 2 || !Number.isFinite(v[0]) || !Number.isFinite(v[1])) {
    throw new SatcountError(`${where}: a position must be [x, y] numbers`);
  }
  return [v[0], v[1]];
}
