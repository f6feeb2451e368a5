/** The road-analysis stage: parse a road, put it in a metric frame, place vehicles, find queues. */
export { parseRoad, loadRoad, type ParseRoadOptions } from './load.js';
export { resolveCrs } from './crs.js';
export { makeFrame, buildRoadModel, type FrameImage, type MetricFrame, type BuildRoadOptions } from './frame.js';
export { cellsAlongCorridor, tilesMeetingCorridor } from './corridor.js';
export { placeOnRoad, type PlaceOptions } from './place.js';
export { assignLanes } from './lanes.js';
export { canopyWarning, hiddenStretches, type HiddenOptions, type VisibilityTest } from './visibility.js';
export { findQueues, type QueueOptions } from './queues.js';
export { densityProfile } from './profile.js';
export type * from './types.js';
export { parseOccluded, occludedOnImage, type OccludedInput, type OccludedRoad } from './occluded.js';
export { readText } from './load.js';
export { qualityAtGsd, countEstimate, queueEstimate, DENSITY_BLOCK_M, type DetectionQuality, type Estimate, type QueueEvidence } from './intervals.js';
export { sliceRoad, type RoadPiece } from './slice.js';
export { stitchParts, JOIN_TOLERANCE_M, type StitchOptions } from './stitch.js';
