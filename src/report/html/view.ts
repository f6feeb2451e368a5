import { readFile } from 'node:fs/promises';
import type { CountResult } from '../../pipeline/result.js';
import { prepareRoad, type RoadContext, type RoadRunOptions } from '../../pipeline/road.js';
import { openImages } from '../../raster/mosaic.js';
import type { OpenOptions, RasterSource, ReadOptions } from '../../raster/open.js';
import { overlayRoad } from '../queue-lines.js';
import { reportImage } from './rendering.js';
import type { ReportView } from './report.js';

/** A view of a count whose image and road are still open (count, and each batch image as it finishes). */
export async function viewOf(id: string, title: string, subject: { result: CountResult; source: RasterSource; road: RoadContext | null }, maxSide?: number): Promise<ReportView> {
  return { id, title, result: subject.result, image: await reportImage(subject.source, maxSide), road: overlayRoad(subject.road, subject.result.queues) ?? null };
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
  open: ReadOptions & Pick<OpenOptions, 'signal'>,
  road: RoadRunOptions | undefined,
  maxSide?: number,
): Promise<ReportView> {
  // A mosaic is reopened from the images its result lists (a batch's tile group has no one path).
  const source = await openImages(result.image.images?.map((p) => p.path) ?? [image], open);
  try {
    const ctx = road ? await prepareRoad(road, source, result.image.gsd_m) : null;
    return await viewOf(id, title, { result, source, road: ctx }, maxSide);
  } finally {
    await source.close();
  }
}

/** Smaller pictures as the number of views grows, so a batch's or series' page stays mailable. */
export function viewSide(count: number): number {
  return count <= 4 ? 2048 : count <= 12 ? 1536 : 1024;
}

/** One entry of a batch's or series' page: its result file and the image it was counted from. */
export interface SavedResult {
  id: string;
  title: string;
  resultFile: string;
  image: string;
}

/** Views of results saved earlier (batch and series pages), one image open at a time. */
export async function viewsOfSaved(
  saved: readonly SavedResult[],
  open: ReadOptions & Pick<OpenOptions, 'signal'>,
  road: RoadRunOptions | undefined,
): Promise<ReportView[]> {
  const views: ReportView[] = [];
  for (const s of saved) {
    const result = JSON.parse(await readFile(s.resultFile, 'utf8')) as CountResult;
    views.push(await viewOfResult(s.id, s.title, result, s.image, open, road, viewSide(saved.length)));
  }
  return views;
}
