import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ModelInfo } from '../types.js';
import type { RunOptions } from '../pipeline/run.js';
import { isUrl } from '../raster/sources/url.js';
import { vrtSources } from '../raster/vrt.js';


/** Size and modification time stand in for content: hashing every input would cost a full read. */
async function fileStamp(path: string): Promise<string> {
  if (isUrl(path)) return path;
  const abs = resolve(path);
  const st = await stat(abs).catch(() => null);
  return st ? `${abs}:${st.size}:${st.mtimeMs}` : `${abs}:missing`;
}

/**
 * The settings that shape a result, and nothing else: not the logger, the abort signal or the
 * thread count, and not which extra files are written (a batch checks those exist separately).
 */
export function resultSettings(run: Omit<RunOptions, 'detector' | 'onProgress'>, model: ModelInfo): Record<string, unknown> {
  const { logger: _logger, signal: _signal, model: _model, modelOverrides, road, ...rest } = run;
  const { threads: _threads, ...overrides } = modelOverrides ?? {};
  const { path: _road, ...roadSettings } = road ?? { path: '' };
  return {
    ...rest,
    overrides,
    road: road ? roadSettings : null,
    threshold: model.score_threshold,
    nms_iou: model.nms_iou,
    gsd_m: model.gsd_m,
    tile_overlap: model.tile_overlap,
  };
}

/** A VRT's stamp covers the images it lists too: re-delivering one tile must recount the mosaic. */
async function imageStamp(path: string): Promise<string> {
  if (isUrl(path) || !path.toLowerCase().endsWith('.vrt')) return fileStamp(path);
  const sources = await vrtSources(path).catch(() => [] as string[]);
  return (await Promise.all([path, ...sources].map(fileStamp))).join('|');
}

/**
 * Identifies what a result was made from: the image (every image of a mosaic), the model file,
 * the road file and the settings. A batch skips an image whose existing result carries the same key.
 */
export async function runKey(image: string | readonly string[], model: string, road: string | undefined, settings: Record<string, unknown>): Promise<string> {
  const images = typeof image === 'string' ? [image] : image;
  const stamps = await Promise.all(images.map(imageStamp));
  const parts = [stamps.join('|'), await fileStamp(model), road ? await fileStamp(road) : '', JSON.stringify(settings)];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
}
