import type { Detection, Georef, LonLat, PixelPoint } from '../types.js';

export interface QueueLine {
  properties: Record<string, unknown>;
  /** WGS84 coordinates of the queue's stretch of road. */
  coordinates: LonLat[];
}

export interface GeoJsonOptions {
  /** Boxes as polygons instead of centre points. */
  boxes?: boolean;
  queues?: QueueLine[];
}

type Feature = { type: 'Feature'; geometry: Record<string, unknown>; properties: Record<string, unknown> };

function detectionProperties(d: Detection): Record<string, unknown> {
  return {
    id: d.id,
    class: d.class,
    score: d.score,
    bbox_px: d.bbox_px,
    center_px: d.center_px,
    center_crs: d.center_crs,
    chainage_m: d.road?.chainage_m ?? null,
    offset_m: d.road?.offset_m ?? null,
    direction: d.road?.direction ?? null,
    lane: d.road?.lane ?? null,
  };
}

const roundLonLat = ([lon, lat]: LonLat): LonLat => [Math.round(lon * 1e8) / 1e8, Math.round(lat * 1e8) / 1e8];

/** A box's outline in WGS84, counter-clockwise as RFC 7946 asks of exterior rings. */
function boxRing(d: Detection, georef: Georef): LonLat[] {
  const [x1, y1, x2, y2] = d.bbox_px;
  // Pixel y grows downwards, so this pixel order is counter-clockwise on the ground for north-up images.
  const corners: PixelPoint[] = [[x1, y2], [x2, y2], [x2, y1], [x1, y1]];
  const ring = corners.map((p) => roundLonLat(georef.crsToLonLat(georef.pixelToCrs(p))));
  if (signedArea(ring) < 0) ring.reverse();
  return [...ring, ring[0]];
}

function signedArea(ring: LonLat[]): number {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}

/** RFC 7946 FeatureCollection (WGS84 lon/lat) of detections and queue extents. */
export function toGeoJson(detections: Detection[], georef: Georef, opts: GeoJsonOptions = {}): string {
  const features: Feature[] = detections.map((d) => ({
    type: 'Feature',
    geometry: opts.boxes
      ? { type: 'Polygon', coordinates: [boxRing(d, georef)] }
      : { type: 'Point', coordinates: d.lonlat ?? roundLonLat(georef.crsToLonLat(georef.pixelToCrs(d.center_px))) },
    properties: { kind: 'vehicle', ...detectionProperties(d) },
  }));
  for (const q of opts.queues ?? []) {
    if (q.coordinates.length < 2) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: q.coordinates.map(roundLonLat) },
      properties: { kind: 'queue', ...q.properties },
    });
  }
  return JSON.stringify({ type: 'FeatureCollection', features }) + '\n';
}
