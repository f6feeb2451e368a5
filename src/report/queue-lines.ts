import { sliceRoad } from '../road/index.js';
import type { Queue } from '../road/types.js';
import type { LonLat, PixelPoint } from '../types.js';
import type { RoadContext } from '../pipeline/road.js';
import type { QueueLine } from './geojson.js';
import type { OverlayRoad } from './overlay.js';

/** The queue's stretch of road in pixels (overlay) and WGS84 (GeoJSON). */
export function queueLines(ctx: RoadContext, q: Queue): { pixel: PixelPoint[][]; lonlat: LonLat[][] | null } {
  const pieces = sliceRoad(ctx.model, q.start_m, q.end_m);
  const toLonLat = ctx.frame.metricToLonLat;
  return {
    pixel: pieces.map((p) => p.pixel),
    lonlat: toLonLat ? pieces.map((p) => p.metric.map(toLonLat)) : null,
  };
}

/** Each queue's stretch of road as GeoJSON LineStrings with the queue's figures as properties. */
export function geojsonQueues(ctx: RoadContext | null, queues: readonly Queue[]): QueueLine[] {
  if (!ctx) return [];
  return queues.flatMap((q) =>
    (queueLines(ctx, q).lonlat ?? []).map((coordinates) => ({
      coordinates,
      properties: { direction: q.direction, start_m: q.start_m, end_m: q.end_m, length_m: q.length_m, lanes: q.lanes, vehicles_observed: q.vehicles_observed, vehicles_estimated: q.vehicles_estimated },
    })),
  );
}

/** The road, its corridor and the queues in full-resolution pixels, for the overlay. */
export function overlayRoad(ctx: RoadContext | null, queues: readonly Queue[]): OverlayRoad | undefined {
  if (!ctx) return undefined;
  return {
    lines: ctx.model.parts.map((p) => p.pixel),
    corridorPx: ctx.corridorPx,
    queues: queues.map((q) => ({ direction: q.direction, lines: queueLines(ctx, q).pixel })),
  };
}
