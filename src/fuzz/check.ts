import { loadModel, type Detector } from '../detect/model.js';
import { runCount } from '../pipeline/run.js';
import { openRaster } from '../raster/open.js';
import { SatcountError, type PixelWindow } from '../types.js';
import type { FuzzCase } from './cases.js';
import { cleanUp, materialize } from './materialize.js';
import { ROAD_DEFAULTS } from '../pipeline/road.js';

/** How one case ended: an exit code a user would see, or a crash (any error that is not a SatcountError). */
export type Outcome = { kind: 'exit'; code: 0 | 2 | 3; message?: string } | { kind: 'crash'; message: string };

/** Per-window limit for the in-process reads, as `--max-megapixels` would set it. */
const MAX_MEGAPIXELS = 50;
const GSD = 0.3;
const WINDOW = 64;

export interface CheckContext {
  root: string;
  /** Scratch folder for case files. */
  dir: string;
  /** A valid image for the road cases. */
  roadImage: string;
  /** The model the image and road cases count with. */
  model: string;
}

/** A few windows that touch the first blocks, the last block and (downsampled) the whole image. */
function windows(width: number, height: number): [PixelWindow, number, number][] {
  const out: [PixelWindow, number, number][] = [];
  for (let x = 0; x < Math.min(width, 4 * WINDOW); x += WINDOW) out.push([{ x, y: 0, width: WINDOW, height: WINDOW }, WINDOW, WINDOW]);
  out.push([{ x: width - WINDOW, y: height - WINDOW, width: WINDOW, height: WINDOW }, WINDOW, WINDOW]);
  out.push([{ x: 0, y: 0, width, height }, WINDOW, WINDOW]);
  return out;
}

async function exerciseImage(path: string, detector: Detector): Promise<void> {
  const src = await openRaster(path, { gsd: GSD, maxMegapixels: MAX_MEGAPIXELS });
  try {
    for (const [win, w, h] of windows(src.info.width, src.info.height)) await src.readRgb(win, w, h);
  } finally {
    await src.close();
  }
  // The whole count, as the CLI runs it: tiling plan, reads, inference, merge.
  const run = await runCount(path, { gsd: GSD, maxMegapixels: MAX_MEGAPIXELS, detector });
  await run.close();
}

async function exerciseRoad(ctx: CheckContext, roadPath: string, detector: Detector): Promise<void> {
  const road = { ...ROAD_DEFAULTS, path: roadPath };
  const run = await runCount(ctx.roadImage, { gsd: GSD, maxMegapixels: MAX_MEGAPIXELS, detector, road });
  await run.close();
}

async function exerciseModel(path: string): Promise<void> {
  const detector = await loadModel(path, { threads: 1 });
  try {
    const [w, h] = detector.info.input_size;
    await detector.detect(new Uint8Array(w * h * 3), w, h);
  } finally {
    await detector.close();
  }
}

function classify(err: unknown): Outcome {
  if (err instanceof SatcountError) {
    if (err.message.includes('\n') || err.message.trim() === '') return { kind: 'crash', message: `SatcountError message is not one line: ${JSON.stringify(err.message.slice(0, 200))}` };
    return { kind: 'exit', code: err.exitCode, message: err.message };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'crash', message: `${e.name}: ${e.message.split('\n')[0]}` };
}

let detector: Promise<Detector> | null = null;

/** Runs one case through the library, as the CLI's count would, and says how it ended. */
export async function checkCase(c: FuzzCase, ctx: CheckContext): Promise<Outcome> {
  detector ??= loadModel(ctx.model, { threads: 1 });
  const det = await detector;
  const path = await materialize(c, ctx.dir, ctx.root);
  try {
    if (c.category === 'road') await exerciseRoad(ctx, path, det);
    else if (c.category === 'model' || c.ext === '.onnx') await exerciseModel(path);
    else await exerciseImage(path, det);
    return { kind: 'exit', code: 0 };
  } catch (err) {
    return classify(err);
  } finally {
    await cleanUp(c, path);
  }
}
