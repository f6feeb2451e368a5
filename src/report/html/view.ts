import type { CountResult } from '../../pipeline/result.js';
import { prepareRoad, queueLines, type RoadContext, type RoadRunOptions } from '../../pipeline/road.js';
import { openRaster, type OpenOptions, type RasterSource } from '../../raster/open.js';
import { reportImage } from './rendering.js';
import type { ReportRoad, ReportView } from './report.js';

/** The road, its corridor and the result's queues in full-resolution pixels. */
export function reportRoad(ctx: RoadContext | null, result: CountResult): ReportRoad | null {
  if (!ctx) return null;
  return {
    lines: ctx.model.parts.map((p) => p.pixel),
    corridorPx: ctx.corridorPx,
    queues: result.queues.map((q) => ({ direction: q.direction, lines: queueLines(ctx, q).pixel })),
  };
}

/** A view of a count whose image and road are still open (count, and each batch image as it finishes). */
export async function viewOf(id: string, title: string, subject: { result: CountResult; source: RasterSource; road: RoadContext | null }, maxSide?: number): Promise<ReportView> {
  return { id, title, result: subject.result, image: await reportImage(subject.source, maxSide), road: reportRoad(subject.road, subject.result) };
}

/**
 * A view of a finished result, reopening its image (from an overview where it has one) and its road:
 * how batch and series draw images whose results were made earlier or by another process.
 */
export async function viewOfResult(
  id: string,
  title: string,
  result: CountResult,
  image: string,
  open: Pick<OpenOptions, 'gsd' | 'bands' | 'maxMegapixels' | 'signal'>,
  road: RoadRunOptions | undefined,
  maxSide?: number,
): Promise<ReportView> {
  const source = await openRaster(image, open);
  try {
    const ctx = road ? await prepareRoad(road, source, result.image.gsd_m) : null;
    return await viewOf(id, title, { result, source, road: ctx }, maxSide);
  } finally {
    await source.close();
  }
}
