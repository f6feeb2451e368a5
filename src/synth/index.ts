/** Synthetic road scenes with exact truth: what `satcount synth` and the fixtures are built on. */
export { renderScene, type RenderedScene, type SceneTruth, type TruthQueue, type TruthVehicle, type RoadGeoJson } from './scene.js';
export { writeScene, scenePaths, type ScenePaths } from './write.js';
export {
  parseLonLat,
  parseSize,
  resolveSynthOptions,
  SYNTH_DEFAULTS,
  type ResolvedSynthOptions,
  type SynthOptions,
} from './options.js';
export type { HiddenStretch } from './hidden.js';
export type { SceneRaster } from './optics.js';
