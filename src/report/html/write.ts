import type { CountResult } from '../../pipeline/result.js';
import type { RoadContext } from '../../pipeline/road.js';
import type { RasterSource } from '../../raster/open.js';
import { VERSION } from '../../version.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { readModelFacts } from './model-facts.js';
import { reportHtml } from './report.js';
import { viewOf } from './view.js';

/** The HTML report of one count, its image and road still open. */
export async function writeCountReport(
  path: string,
  subject: { result: CountResult; source: RasterSource; road: RoadContext | null },
  command: string | undefined,
): Promise<void> {
  const view = await viewOf('image', subject.result.image.path, subject);
  const html = reportHtml({
    title: `satcount: ${subject.result.counts.total} vehicles in ${subject.result.image.path}`,
    command: command ?? 'satcount (library call)',
    generated: new Date().toISOString(),
    version: VERSION,
    views: [view],
    model: await readModelFacts(subject.result.model.path),
  });
  await writeFileAtomic(path, html);
}
