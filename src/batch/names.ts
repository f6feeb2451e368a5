import { createHash } from 'node:crypto';
import { basename, extname, join } from 'node:path';

/** Result file stems: the image's own stem, made unique with a short path hash where stems collide. */
export function outputStems(inputs: string[]): Map<string, string> {
  const stemOf = (p: string) => basename(p.replace(/[?#].*$/, ''), extname(p.replace(/[?#].*$/, ''))) || 'image';
  const counts = new Map<string, number>();
  for (const p of inputs) counts.set(stemOf(p), (counts.get(stemOf(p)) ?? 0) + 1);
  return new Map(
    inputs.map((p) => {
      const stem = stemOf(p);
      return [p, counts.get(stem)! > 1 ? `${stem}-${createHash('sha1').update(p).digest('hex').slice(0, 8)}` : stem];
    }),
  );
}

/** Every file a batch may write for one image. The PNGs carry a second suffix, so they never
 * overwrite an input PNG when --out-dir is the input folder, and a later run can tell them apart. */
export interface ImageFiles {
  result: string;
  geojson: string;
  csv: string;
  overlay: string;
  profilePlot: string;
}

export function imageFiles(outDir: string, stem: string): ImageFiles {
  return {
    result: join(outDir, `${stem}.json`),
    geojson: join(outDir, `${stem}.geojson`),
    csv: join(outDir, `${stem}.csv`),
    overlay: join(outDir, `${stem}.overlay.png`),
    profilePlot: join(outDir, `${stem}.profile.png`),
  };
}

/** True for the images a batch writes itself, which must not be counted as inputs by a later run. */
export function isBatchOutputImage(path: string): boolean {
  return /\.(overlay|profile)\.png$/i.test(path);
}
