import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { loadModel, type Detector, type ModelOverrides } from '../detect/model.js';
import { DEFAULT_MODEL_PATH } from './model-path.js';

/** Which model a run uses and how: the one place a model file is chosen and loaded. */
export interface ModelChoice {
  /** ONNX model path; default: the shipped model. */
  model?: string;
  /** Overrides of the model's metadata (threshold, NMS IoU, GSD…). */
  modelOverrides?: ModelOverrides;
  /** A loaded detector to reuse; the caller then owns and closes it. */
  detector?: Detector;
}

/** The model file a run reads, absolute. */
export function modelPathOf(opts: ModelChoice): string {
  return resolve(opts.model ?? DEFAULT_MODEL_PATH);
}

/** The given detector, or the chosen model loaded; the caller closes what it did not pass in. */
export async function openDetector(opts: ModelChoice): Promise<Detector> {
  // The path as given: it is what the result reports as the model.
  return opts.detector ?? loadModel(opts.model ?? DEFAULT_MODEL_PATH, opts.modelOverrides);
}

/** Says which of a multi-class model's classes are not counted (--vehicle-classes or by name). */
export function logIgnoredClasses(detector: Detector, logger: Logger | undefined): void {
  const { classes, vehicle_classes } = detector.info;
  if (vehicle_classes.length === classes.length) return;
  const ignored = classes.filter((c) => !vehicle_classes.includes(c));
  logger?.info({ counted: vehicle_classes, ignored }, `counting ${vehicle_classes.join(', ')}; ignoring the model's other classes: ${ignored.join(', ')}`);
}

/** Detectors shared across runs with the same model and overrides (check cases); close() once at the end. */
export class DetectorPool {
  private readonly open = new Map<string, Promise<Detector>>();

  get(opts: ModelChoice): Promise<Detector> {
    const key = JSON.stringify([modelPathOf(opts), opts.modelOverrides ?? {}]);
    let d = this.open.get(key);
    if (!d) {
      d = openDetector({ ...opts, detector: undefined });
      this.open.set(key, d);
    }
    return d;
  }

  async close(): Promise<void> {
    for (const d of this.open.values()) await (await d.catch(() => null))?.close();
    this.open.clear();
  }
}
