export { iou, nms, type Box } from './boxes.js';
export { mergeTiles, tileToPixel } from './tiles.js';
