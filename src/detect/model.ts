import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as Ort from 'onnxruntime-node';
import { ort } from '../packages/onnxruntime.js';
import { isVehicleName, sameClassName } from '../eval/classes.js';
import { nms } from '../geom/boxes.js';
import { SatcountError, SettingsError, type LayoutName, type ModelInfo, type Normalization, type TileDetection } from '../types.js';
import { expectedLayouts, LAYOUTS, resolveLayout, type ResolvedLayout } from './layouts.js';
import { settingsFromMetadata, type MetadataSettings } from './metadata.js';
import { averageMirrored, mirrorInput } from './mirror.js';
import { fillInput, normalizationTables } from './normalize.js';
import { readOnnxHeader } from './onnx-proto.js';
import { shapeText, type OutputTensor } from './tensor.js';

/** Settings that command-line flags may impose over the model's metadata. */
export interface ModelOverrides {
  gsd_m?: number;
  score_threshold?: number;
  nms_iou?: number;
  input_size?: [w: number, h: number];
  classes?: string[];
  /** Class names that count as vehicles (default: by name, see VEHICLE_CLASS_NAMES). */
  vehicle_classes?: string[];
  layout?: LayoutName;
  /** onnxruntime intra-op threads; default: the number of cores, at most 4. */
  threads?: number;
  /** Test-time mirror averaging (detect/mirror.ts); satcount-centernet models only. Default: the metadata's `tta`, else off. */
  tta?: boolean;
}

export interface Detector {
  info: ModelInfo;
  /** Name of the model's single input. */
  inputName: string;
  /**
   * Detects on one tile given as interleaved RGB bytes: of exactly the model's input size, or for
   * a model with a dynamic input, of any size whose sides are multiples of `info.size_multiple`.
   * Returns boxes in model pixels, above the score threshold, after per-tile class-agnostic NMS.
   * Inference runs one tile at a time, in call order. onnxruntime-node (1.30) runs each inference
   * synchronously on the main thread, so a tile's normalisation and decoding happen between
   * inferences, never during one; what runs during them is other threads' work (the read worker).
   * The session in a worker thread instead (inputs transferred there and back) made whole 4,000²
   * counts 1.13× slower on 2 cores (8 alternated pairs): a count already keeps ~1.7 of them busy,
   * so moving the work between inferences into them only adds contention.
   */
  detect(rgb: Uint8Array, width: number, height: number): Promise<TileDetection[]>;
  /** Cumulative seconds spent inside onnxruntime's `run`, warm-up included. */
  sessionSeconds(): number;
  close(): Promise<void>;
}

/** Used when the metadata says nothing: plain 0–1 RGB input, as Ultralytics and Deepness models expect. */
const DEFAULT_NORMALIZATION: Normalization = { order: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] };
const DEFAULT_SCORE_THRESHOLD = 0.25;
const DEFAULT_NMS_IOU = 0.45;
/** Default overlap between tiles as a share of the tile size, when the metadata gives none. */
const DEFAULT_OVERLAP_FRACTION = 0.125;
const MAX_DEFAULT_THREADS = 4;
/** Largest model input side; detectors use 256 to 2048. */
const MAX_INPUT_SIDE = 8192;
/** A model with a dynamic input takes tiles whose sides are multiples of this (YOLO's and CenterNet's largest stride). */
const DYNAMIC_SIZE_MULTIPLE = 32;

function modelError(path: string, problem: string): SatcountError {
  return new SatcountError(`${path}: ${problem}`, 3);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw modelError(path, 'model file not found');
    if (code === 'EISDIR') throw modelError(path, 'model path is a directory, expected an .onnx file');
    throw modelError(path, `cannot read the model file (${code ?? firstLine(e)})`);
  }
}

/** Input size from a static [1, 3, H, W] input shape, or null when any of H, W is symbolic. */
function staticInputSize(meta: Ort.InferenceSession.ValueMetadata | undefined): [number, number] | null {
  if (!meta?.isTensor || meta.shape.length !== 4) return null;
  const [, , h, w] = meta.shape;
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 ? [w, h] : null;
}

function checkInput(path: string, session: Ort.InferenceSession): string {
  if (session.inputNames.length !== 1) {
    throw modelError(path, `model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); expected one image input`);
  }
  const meta = session.inputMetadata[0];
  if (meta?.isTensor) {
    const channels = meta.shape[1];
    if (meta.shape.length !== 4 || (typeof channels === 'number' && channels !== 3)) {
      throw modelError(path, `model input ${meta.name} is [${meta.shape.join(',')}]; expected [1,3,height,width]`);
    }
    if (meta.type !== 'float32') throw modelError(path, `model input ${meta.name} is ${meta.type}; expected float32`);
  }
  return session.inputNames[0];
}

function chooseInputSize(path: string, session: Ort.InferenceSession, wanted: [number, number] | undefined): [number, number] {
  const fixed = staticInputSize(session.inputMetadata[0]);
  if (wanted && fixed && (wanted[0] !== fixed[0] || wanted[1] !== fixed[1])) {
    throw modelError(path, `input size ${wanted[0]}x${wanted[1]} does not match the model's fixed input ${fixed[0]}x${fixed[1]}`);
  }
  const size = wanted ?? fixed;
  if (!size) throw modelError(path, 'model input size is dynamic and its metadata gives no input_size');
  // Input buffers are allocated from this size: a nonsense value in the metadata of a model with
  // a dynamic input (100000 x 100000) must be refused, not crash the allocation.
  if (size[0] > MAX_INPUT_SIDE || size[1] > MAX_INPUT_SIDE) {
    throw modelError(path, `input size ${size[0]}x${size[1]} is beyond ${MAX_INPUT_SIDE} pixels a side`);
  }
  return size;
}

function toOutputs(path: string, names: readonly string[], result: Ort.InferenceSession.ReturnType): OutputTensor[] {
  return names.map((name) => {
    const t = result[name];
    if (t.type !== 'float32') throw modelError(path, `model output ${name} is ${t.type}; expected float32`);
    return { name, dims: t.dims, data: t.data as Float32Array };
  });
}

function pickLayout(path: string, outputs: OutputTensor[], wanted: LayoutName | undefined, s: MetadataSettings): ResolvedLayout {
  const candidates = wanted ? [wanted] : s.layoutCandidates;
  const found = resolveLayout(outputs, candidates);
  if (found) return found;
  const seen = outputs.map(shapeText).join(', ');
  if (wanted) throw modelError(path, `outputs ${seen} do not fit layout ${wanted} (expected ${LAYOUTS[wanted].expected})`);
  throw modelError(path, `unknown output layout: outputs ${seen} (expected ${expectedLayouts(candidates)})`);
}

/**
 * The classes counted as vehicles: those asked for (each must exist), else those with a vehicle
 * name (car, truck, bus, van, small/large vehicle, … as for labels), else all of them (a model
 * whose classes are unnamed, class_0, or called something else).
 */
export function vehicleClasses(path: string, classes: readonly string[], wanted: readonly string[] | undefined): string[] {
  if (wanted) {
    const unknown = wanted.filter((w) => !classes.some((c) => sameClassName(c, w)));
    if (unknown.length > 0) {
      throw new SatcountError(`${path}: --vehicle-classes names ${unknown.join(', ')}, not classes of this model (${classes.join(', ')})`, 2);
    }
    return classes.filter((c) => wanted.some((w) => sameClassName(c, w)));
  }
  const named = classes.filter(isVehicleName);
  return named.length > 0 ? named : [...classes];
}

function className(i: number): string {
  return `class_${i}`;
}

function classList(given: string[] | undefined, count: number | null): string[] {
  const names = [...(given ?? [])];
  for (let i = names.length; i < (count ?? 0); i++) names.push(className(i));
  return names;
}

/**
 * Loads an ONNX detector and its settings: metadata (satcount's own key, else Deepness or
 * Ultralytics keys) with `overrides` on top. One warm-up inference on a blank tile learns the
 * output shapes, which decide the layout when nothing names it, and catches models that cannot
 * run before any image is read (a model with a fixed input size, at that size).
 *
 * Without metadata: RGB scaled to 0–1, score threshold 0.25, NMS IoU 0.45, tile overlap 1/8 of the
 * tile, class names `class_<i>`. A model whose ground sample distance is unknown is refused
 * (exit 3) unless `overrides.gsd_m` gives it, because tiles at a guessed scale count wrongly.
 */
/** Side of the blank tile a dynamic-size model is first run on (a multiple of 32). */
const PROBE_SIDE = 256;

export async function loadModel(path: string, overrides: ModelOverrides = {}): Promise<Detector> {
  const bytes = await readModelFile(path);
  let metadata: Record<string, string>;
  try {
    metadata = readOnnxHeader(bytes).metadata;
  } catch (e) {
    throw modelError(path, `not an ONNX model (${firstLine(e)})`);
  }
  const settings = settingsFromMetadata(metadata, path);

  const threads = overrides.threads ?? Math.min(MAX_DEFAULT_THREADS, availableParallelism());
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      // One image at a time: parallelism belongs inside each operator, not between them.
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // onnxruntime writes its own warnings (e.g. shape-merge notices on odd models) straight to
      // stderr, breaking the one-line error contract; its failures reach us as exceptions anyway.
      logSeverityLevel: 4,
      // Idle intra-op threads sleep instead of spinning: between runs the main thread prepares tiles
      // and the read worker decodes, and spinning threads take their cores. Whole 4,000² counts,
      // alternated in one process: 17 % faster with one core taken by another process (6.6 against
      // 8.0 s), the same on a quiet machine (4.20 against 4.23 s).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
  } catch (e) {
    throw modelError(path, `onnxruntime cannot load the model: ${firstLine(e)}`);
  }

  try {
    const inputName = checkInput(path, session);
    const [width, height] = chooseInputSize(path, session, overrides.input_size ?? settings.input_size);
    const dynamic = staticInputSize(session.inputMetadata[0]) === null;
    // Two input slots, so the next tile can be filled before the current one's run is done with its buffer.
    // Each grows to the largest tile it has held; a tile's tensor views the front of its slot.
    const slots = [0, 1].map(() => new Float32Array(3 * width * height));
    const tensorIn = (k: number, w: number, h: number) => {
      if (slots[k].length < 3 * w * h) slots[k] = new Float32Array(3 * w * h);
      return new ort.Tensor('float32', slots[k].subarray(0, 3 * w * h), [1, 3, h, w]);
    };
    // The mirrored inputs have slots of their own, filled with the tile's, for the same reason.
    const mirrorSlots = [new Float32Array(0), new Float32Array(0)];
    const mirroredIn = (k: number, tensor: Ort.Tensor) => {
      const input = tensor.data as Float32Array;
      if (mirrorSlots[k].length < input.length) mirrorSlots[k] = new Float32Array(input.length);
      return new ort.Tensor('float32', mirrorInput(input, tensor.dims, mirrorSlots[k].subarray(0, input.length)), tensor.dims);
    };
    let runSeconds = 0;
    const run = async (tensor: Ort.Tensor): Promise<OutputTensor[]> => {
      const t0 = performance.now();
      let result: Ort.InferenceSession.ReturnType;
      try {
        result = await session.run({ [inputName]: tensor });
      } catch (e) {
        throw modelError(path, `inference failed at ${tensor.dims[3]}x${tensor.dims[2]}: ${firstLine(e)}`);
      } finally {
        runSeconds += (performance.now() - t0) / 1000;
      }
      return toOutputs(path, session.outputNames, result);
    };

    // A dynamic model is probed at 256² at most: the shapes decide the layout as well as at full size
    // (YOLO's N still exceeds 4 + its classes), and a full-size run would cost start-up a whole tile.
    const warm = await run(dynamic ? tensorIn(0, Math.min(width, PROBE_SIDE), Math.min(height, PROBE_SIDE)) : tensorIn(0, width, height));
    const layout = pickLayout(path, warm, overrides.layout ?? settings.layout, settings);
    // The metadata's default applies where it can; asked for on a layout without a dense grid, it is refused.
    const tta = overrides.tta ?? (settings.tta === true && layout.name === 'satcount-centernet');
    if (tta && layout.name !== 'satcount-centernet') {
      throw new SettingsError('modelOverrides.tta', (n) => `${path}: ${n} needs a satcount-centernet model (a dense score grid to average); this one is ${layout.name}`);
    }
    // Score and size grids (not the centre offsets) are averaged with the mirrored tile's.
    const averaged = tta ? layout.outputs.slice(0, 2) : [];
    type Inputs = { tensor: Ort.Tensor; mirrored: Ort.Tensor | null };
    type Outputs = { outputs: OutputTensor[]; mirrored: OutputTensor[] | null };
    // The two runs of a mirrored tile follow each other: the input is mirrored when the tile is
    // filled and the outputs averaged when it is decoded (both on the main thread, between runs).
    const infer = async ({ tensor, mirrored }: Inputs): Promise<Outputs> => ({
      outputs: await run(tensor),
      mirrored: mirrored && (await run(mirrored)),
    });
    const gsd_m = overrides.gsd_m ?? settings.gsd_m;
    if (gsd_m === undefined) throw new SettingsError('modelOverrides.gsd_m', (n) => `${path}: model has no gsd_m in its metadata; pass ${n} <metres per pixel>`, 3);
    const tileSide = Math.min(width, height);
    const overlap = settings.tile_overlap ?? Math.round(tileSide * (settings.tileOverlapFraction ?? DEFAULT_OVERLAP_FRACTION));

    const classes = classList(overrides.classes ?? settings.classes, layout.numClasses);
    const name = settings.name ?? basename(path).replace(/\.onnx$/i, '');
    const info: ModelInfo = {
      path,
      name,
      gsd_m,
      gsd_range_m: settings.gsd_range_m ?? [gsd_m, gsd_m],
      input_size: [width, height],
      layout: layout.name,
      classes,
      vehicle_classes: vehicleClasses(path, classes, overrides.vehicle_classes),
      score_threshold: overrides.score_threshold ?? settings.score_threshold ?? DEFAULT_SCORE_THRESHOLD,
      nms_iou: overrides.nms_iou ?? settings.nms_iou ?? DEFAULT_NMS_IOU,
      normalization: settings.normalization ?? DEFAULT_NORMALIZATION,
      // Tiling needs each tile's core to be non-empty, so the overlap stays under half a tile.
      tile_overlap: Math.min(overlap, Math.ceil(tileSide / 2) - 1),
      trained_on: settings.trained_on ?? null,
      quality: settings.quality ?? [],
      size_multiple: dynamic ? DYNAMIC_SIZE_MULTIPLE : null,
      tta,
    };

    const tables = normalizationTables(info.normalization);
    const decoder = LAYOUTS[layout.name];
    // Other classes (a plane, a ship) are dropped before suppression, so they cannot hide a vehicle.
    const counted = new Set(info.vehicle_classes.map((c) => classes.indexOf(c)));
    const vehiclesOnly = (dets: TileDetection[]) => (counted.size === classes.length ? dets : dets.filter((d) => counted.has(d.classIndex)));
    const decode = (outputs: OutputTensor[], inputWidth: number, inputHeight: number) =>
      nms(vehiclesOnly(decoder.decode(layout.outputs.map((i) => outputs[i]), { inputWidth, inputHeight, score_threshold: info.score_threshold })), info.nms_iou);
    const takes = (w: number, h: number) =>
      dynamic ? [w, h].every((v) => Number.isInteger(v) && v > 0 && v % DYNAMIC_SIZE_MULTIPLE === 0 && v <= MAX_INPUT_SIDE) : w === width && h === height;

    // Runs go in call order, one at a time. A call fills its buffer as soon as the run two calls
    // back (the last one to use that buffer) is done, and is decoded after its own run.
    let lastRun: Promise<unknown> = Promise.resolve();
    const bufferFree: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
    let turn = 0;
    return {
      info,
      inputName,
      detect(rgb, w, h) {
        if (!takes(w, h)) {
          const wants = dynamic ? `sides that are multiples of ${DYNAMIC_SIZE_MULTIPLE} up to ${MAX_INPUT_SIDE}` : `${width}x${height}`;
          return Promise.reject(new RangeError(`detect: tile is ${w}x${h}, the model takes ${wants}`));
        }
        const k = turn;
        turn = 1 - turn;
        const filled = bufferFree[k].then((): Inputs => {
          const tensor = tensorIn(k, w, h);
          fillInput(rgb, w * h, info.normalization.order, tables, tensor.data as Float32Array);
          return { tensor, mirrored: tta ? mirroredIn(k, tensor) : null };
        });
        const ran = Promise.all([filled, lastRun]).then(([inputs]) => infer(inputs));
        lastRun = bufferFree[k] = ran.catch(() => undefined);
        return ran.then(({ outputs, mirrored }) => {
          if (mirrored) for (const i of averaged) averageMirrored(outputs[i], mirrored[i]);
          return decode(outputs, w, h);
        });
      },
      sessionSeconds: () => runSeconds,
      close: () => session.release(),
    };
  } catch (e) {
    await session.release();
    throw e;
  }
}
