/**
 * satcount as a library: the CLI is a thin layer over these.
 *
 * @example
 * import { countVehicles } from 'satcount';
 * const result = await countVehicles('scene.tif');
 */
export { countVehicles, runCount, type CountRun, type RunOptions } from './pipeline/run.js';
export { OUTPUTS, writeOutputs, type OutputKind, type OutputOptions, type OutputSubject } from './report/outputs.js';
export type { CountOptions } from './pipeline/count.js';
export type { RoadRunOptions } from './pipeline/road.js';
export type { CountResult, QueueReport } from './pipeline/result.js';
export { DEFAULT_MODEL_PATH } from './pipeline/model-path.js';
export { loadModel, type Detector, type ModelOverrides } from './detect/model.js';
export { openRaster, type RasterSource, type OpenOptions } from './raster/open.js';
export { runBatch, type BatchOptions, type BatchOutputs } from './batch/run.js';
export { runEval, type RunEvalOptions } from './eval/run.js';
export type { EvalReport } from './eval/types.js';
export { runCheck, type CheckReport, type RunCheckOptions } from './check/run.js';
export { readCheckSpec, type CheckCase, type CheckSpec } from './check/spec.js';
export { writeScene, renderScene, type SynthOptions, type SceneTruth } from './synth/index.js';
export { VERSION } from './version.js';
export * from './types.js';
