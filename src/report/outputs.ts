import { basename, join } from 'node:path';
import { figureTitle } from './colours.js';
import type { CountResult } from '../pipeline/result.js';
import type { RoadContext } from '../pipeline/road.js';
import type { RasterSource } from '../raster/types.js';
import { SatcountError } from '../types.js';
import { writeFile } from 'node:fs/promises';
import { checkWritable, stageFile, type StagedFile } from '../io/atomic.js';
import { detectionsCsv } from './csv.js';
import { toGeoJson } from './geojson.js';

/** What a writer draws on: the finished result with the open image and the road in its frame. */
export interface OutputSubject {
  result: CountResult;
  source: RasterSource;
  road: RoadContext | null;
}

export interface WriteSettings {
  /** GeoJSON boxes (polygons) instead of centre points. */
  geojsonBoxes?: boolean;
  /** The command line that asked for the outputs, shown in the HTML report. */
  command?: string;
}

/**
 * One output file kind: how `count` asks for it (a path), how `batch` asks for it (a switch; the
 * file is then `<stem><suffix>` in --out-dir), and how it is written. Adding an output means one
 * entry here and its writer.
 */
export interface OutputKind {
  /** Key in OutputOptions and BatchOutputs; also the camelCase of the count flag. */
  key: OutputKey;
  /** count's flag, taking a path. */
  countFlag: string;
  /** batch's switch; absent for the result JSON, which a batch always writes. */
  batchFlag?: string;
  description: string;
  /** File name suffix after the image stem in a batch folder. */
  suffix: string;
  /** Needs a road (--road): the CLI refuses the flag without one. */
  needsRoad?: boolean;
  /** False when this result cannot have the output (a batch then skips it; count refuses). */
  possible(result: CountResult): boolean;
  /** Why `possible` said no, for the error message. */
  impossible?: string;
  /** Writes the file at `path` (writeOutputs passes a temporary name and renames it when every output is written). */
  write(path: string, subject: OutputSubject, settings: WriteSettings): Promise<void>;
}

export type OutputKey = 'geojson' | 'csv' | 'overlay' | 'profilePlot' | 'report' | 'out';

const titleOf = (r: CountResult) => figureTitle(basename(r.image.path), r.counts.total, r.counts.by_direction);

/**
 * In writing order. The result JSON goes last: its presence says every other requested output is
 * complete. Writers that need sharp or the road stage load them when they write, so the CLI can
 * list these flags without loading either (start-up).
 */
export const OUTPUTS: readonly OutputKind[] = [
  {
    key: 'geojson',
    countFlag: '--geojson <file>',
    batchFlag: '--geojson',
    description: 'detections (and queues) as RFC 7946 GeoJSON in WGS84 (georeferenced images only)',
    suffix: '.geojson',
    possible: (r) => r.image.georeferenced,
    impossible: 'no georeferencing, so no WGS84 GeoJSON can be written',
    write: async (path, { result, source, road }, s) => {
      const { geojsonQueues } = await import('./queue-lines.js');
      await writeFile(path, toGeoJson(result.detections, source.georef!, { boxes: s.geojsonBoxes, queues: geojsonQueues(road, result.queues) }));
    },
  },
  {
    key: 'csv',
    countFlag: '--csv <file>',
    batchFlag: '--csv',
    description: 'detections as CSV',
    suffix: '.csv',
    possible: () => true,
    write: (path, { result }) => writeFile(path, detectionsCsv(result.detections)),
  },
  {
    key: 'overlay',
    countFlag: '--overlay <file.png>',
    batchFlag: '--overlay',
    description: 'the image with boxes drawn on it (at most 4000 px wide)',
    suffix: '.overlay.png',
    possible: () => true,
    write: async (path, { result, source, road }) => {
      const [{ writeOverlay }, { overlayRoad }] = await Promise.all([import('./overlay.js'), import('./queue-lines.js')]);
      await writeOverlay(path, source, result.detections, overlayRoad(road, result.queues), titleOf(result));
    },
  },
  {
    key: 'profilePlot',
    countFlag: '--profile-plot <file.png>',
    batchFlag: '--profile-plots',
    description: 'the density profile along the road as a PNG plot (needs --road)',
    suffix: '.profile.png',
    needsRoad: true,
    possible: (r) => r.profile !== null,
    impossible: 'no road, so no profile plot can be written',
    write: async (path, { result, road }) => {
      const { renderProfilePlot } = await import('./profile-plot.js');
      await renderProfilePlot(result.profile!, result.queues, path, { coveredRanges: road?.model.coveredRanges, length_m: road?.model.length_m, title: titleOf(result) });
    },
  },
  {
    key: 'report',
    countFlag: '--report <file.html>',
    batchFlag: '--reports',
    description: 'a self-contained HTML report: the image with detections, road and queues (pan, zoom), counts, profile, model',
    suffix: '.report.html',
    possible: () => true,
    write: async (path, subject, s) => (await import('./html/write.js')).writeCountReport(path, subject, s.command),
  },
  {
    key: 'out',
    countFlag: '--out <file.json>',
    description: 'the result JSON',
    suffix: '.json',
    possible: () => true,
    write: (path, { result }) => writeFile(path, JSON.stringify(result, null, 2) + '\n'),
  },
];

/** Output files by kind: a path for each output wanted. */
export type OutputOptions = Partial<Record<OutputKey, string>> & WriteSettings;

/**
 * Checks, before any tile is read, that every requested output can be written (its folder exists
 * and is writable; it is not a folder), so a bad path costs nothing and leaves nothing behind.
 */
export async function checkOutputPaths(outputs: OutputOptions): Promise<void> {
  for (const kind of OUTPUTS) {
    const path = outputs[kind.key];
    if (path) await checkWritable(path);
  }
}

/**
 * Writes the requested output files all or nothing: each to a temporary name first, then all
 * renamed into place (the result JSON last) once every one is written; a failure removes them all.
 */
export async function writeOutputs(subject: OutputSubject, outputs: OutputOptions): Promise<void> {
  const staged: StagedFile[] = [];
  try {
    for (const kind of OUTPUTS) {
      const path = outputs[kind.key];
      if (!path) continue;
      if (!kind.possible(subject.result)) throw new SatcountError(`${subject.result.image.path}: ${kind.impossible} (${path})`);
      staged.push(await stageFile(path, (temp) => kind.write(temp, subject, outputs)));
    }
  } catch (e) {
    await Promise.all(staged.map((s) => s.discard()));
    throw e;
  }
  for (const [i, s] of staged.entries()) {
    await s.commit().catch(async (e) => {
      await Promise.all(staged.slice(i + 1).map((rest) => rest.discard()));
      throw e;
    });
  }
}

/** Every file a batch may write for one image, by kind. */
export function batchFiles(outDir: string, stem: string): Record<OutputKey, string> {
  return Object.fromEntries(OUTPUTS.map((k) => [k.key, join(outDir, stem + k.suffix)])) as Record<OutputKey, string>;
}

/**
 * True for the images a batch writes itself, which must not be counted as inputs by a later run.
 * Their suffixes carry a second dot (`.overlay.png`), so they never overwrite an input PNG.
 */
export function isBatchOutputImage(path: string): boolean {
  const lower = path.toLowerCase();
  return OUTPUTS.some((k) => k.suffix.endsWith('.png') && lower.endsWith(k.suffix));
}
