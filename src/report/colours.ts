import type { Direction } from '../types.js';

/** One colour per direction in every figure (overlay boxes and queues, profile bars), so the two read together. */
export const DIRECTION_COLOURS: Record<Direction, string> = { forward: '#ff7a00', backward: '#0091d5' };
/** Detections off the road (or without a road). */
export const OFF_ROAD_COLOUR = '#ffe000';

/** "a.tif: 12 vehicles (forward 7, backward 5)": the title both figures carry. */
export function figureTitle(image: string, total: number, byDirection: Record<Direction, number> | null): string {
  const vehicles = `${total} vehicle${total === 1 ? '' : 's'}`;
  return `${image}: ${vehicles}${byDirection ? ` (forward ${byDirection.forward}, backward ${byDirection.backward})` : ''}`;
}
