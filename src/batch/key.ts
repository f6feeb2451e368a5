import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

/** Size and modification time stand in for content: hashing every input would cost a full read. */
async function fileStamp(path: string): Promise<string> {
  if (/^https?:\/\//i.test(path)) return path;
  const st = await stat(path).catch(() => null);
  return st ? `${path}:${st.size}:${st.mtimeMs}` : `${path}:missing`;
}

/**
 * Identifies what a result was made from: the image, the model, the road file and every parameter.
 * A batch skips an image whose existing result carries the same key.
 */
export async function runKey(image: string, model: string, road: string | undefined, params: unknown): Promise<string> {
  const parts = [await fileStamp(image), await fileStamp(model), road ? await fileStamp(road) : '', JSON.stringify(params)];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
