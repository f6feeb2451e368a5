export { iou, nms, type Box } from '../geom/boxes.js';
export { mergeTiles, tileToPixel } from './tiles.js';
