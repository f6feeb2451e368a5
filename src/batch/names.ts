import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';

/**
 * Result file stems: the image's own stem, made unique with a short path hash where stems collide.
 * A vendor tile group's label (`scene_R*C*.tif`, batch/inputs.ts) gives its product's stem, `scene`.
 */
export function outputStems(inputs: string[]): Map<string, string> {
  const stemOf = (p: string) => basename(p.replace(/[?#].*$/, ''), extname(p.replace(/[?#].*$/, ''))).replace(/[_-]R\*C\*$/, '') || 'image';
  const counts = new Map<string, number>();
  for (const p of inputs) counts.set(stemOf(p), (counts.get(stemOf(p)) ?? 0) + 1);
  return new Map(
    inputs.map((p) => {
      const stem = stemOf(p);
      return [p, counts.get(stem)! > 1 ? `${stem}-${createHash('sha1').update(p).digest('hex').slice(0, 8)}` : stem];
    }),
  );
}
