import { readFile } from 'node:fs/promises';
import { readOnnxHeader } from '../../detect/onnx-proto.js';

/** One validation figure from the model's metadata (`quality` in its `satcount` key). */
export interface QualityEntry {
  gsd_m?: number;
  class?: string;
  precision?: number;
  recall?: number;
  n_truth?: number;
  set?: string;
}

/** What the report says about the model beyond the result: its version and validation figures. */
export interface ModelFacts {
  version: string | null;
  quality: QualityEntry[];
}

/**
 * The version and validation figures in a model file's `satcount` metadata. A model without
 * them (or one made elsewhere) gives nulls and an empty list, which the report says in words.
 */
export async function readModelFacts(path: string): Promise<ModelFacts> {
  try {
    const raw = readOnnxHeader(await readFile(path)).metadata.satcount;
    const meta = raw ? (JSON.parse(raw) as { version?: unknown; quality?: unknown }) : {};
    return {
      version: typeof meta.version === 'string' ? meta.version : null,
      quality: Array.isArray(meta.quality) ? (meta.quality.filter((q) => q && typeof q === 'object') as QualityEntry[]) : [],
    };
  } catch {
    return { version: null, quality: [] };
  }
}
