import type { Direction, PixelPoint } from '../types.js';
import type { HiddenByDirection, HiddenReason, HiddenStretch, RoadModel } from './types.js';

/** true: the ground at this pixel can be seen; false: nodata; a reason: hidden for that reason. */
export type VisibilityTest = (p: PixelPoint) => boolean | HiddenReason;

export interface HiddenOptions {
  /** Spacing of the samples along the line, metres. */
  step_m?: number;
  /** Distances from the centre line sampled on each carriageway, metres (e.g. lane centres). */
  offsets_m?: readonly number[];
  driveSide: 'right' | 'left';
}

/**
 * Chainage stretches where each carriageway cannot be seen. The line is sampled every `step_m`;
 * a sample is hidden when most of its carriageway points are, and a run of hidden samples with the
 * same reason is one stretch. Points off the image are 'image-edge'; inside it, `isVisible` decides.
 * Offsets are laid out in pixels with the local scale of each segment, so the test needs no frame.
 *
 * @example hiddenStretches(road, (p) => mask.isValid(p), { driveSide: 'right', offsets_m: [1.75, 5.25] })
 */
export function hiddenStretches(road: RoadModel, isVisible: VisibilityTest, opts: HiddenOptions): HiddenByDirection {
  const step = opts.step_m ?? 2;
  const offsets = opts.offsets_m ?? [1.75, 5.25];
  // Right-hand traffic drives forward on the right of the drawing direction.
  const sideSign: Record<Direction, number> = opts.driveSide === 'right' ? { forward: 1, backward: -1 } : { forward: -1, backward: 1 };
  const out: HiddenByDirection = { forward: [], backward: [] };
  const inImage = ([x, y]: PixelPoint) => x >= 0 && y >= 0 && x < road.imageWidth && y < road.imageHeight;
  const reasonAt = (p: PixelPoint): HiddenReason | null => {
    if (!inImage(p)) return 'image-edge';
    const seen = isVisible(p);
    return seen === true ? null : seen === false ? 'nodata' : seen;
  };

  for (const part of road.parts) {
    for (let i = 1; i < part.pixel.length; i++) {
      const [ax, ay] = part.pixel[i - 1];
      const [bx, by] = part.pixel[i];
      const c0 = part.chainage[i - 1];
      const length = part.chainage[i] - c0;
      // Pixels per metre to the right of travel: in the pixel grid (y down) that is the tangent
      // turned by +90°, scaled by the segment's own pixels-per-metre.
      const nx = -(by - ay) / length;
      const ny = (bx - ax) / length;
      const n = Math.max(1, Math.ceil(length / step));
      for (let k = 0; k < n; k++) {
        const t = (k + 0.5) / n;
        const centre: PixelPoint = [ax + t * (bx - ax), ay + t * (by - ay)];
        for (const direction of ['forward', 'backward'] as const) {
          const reasons = offsets.map((o) => {
            const shift = sideSign[direction] * o;
            return reasonAt([centre[0] + nx * shift, centre[1] + ny * shift]);
          });
          const hidden = reasons.filter((r): r is HiddenReason => r !== null);
          if (hidden.length * 2 <= reasons.length) continue;
          const reason = hidden.includes('image-edge') ? 'image-edge' : hidden[0];
          extend(out[direction], { start_m: c0 + (k / n) * length, end_m: c0 + ((k + 1) / n) * length, reason });
        }
      }
    }
  }
  return out;
}

function extend(list: HiddenStretch[], next: HiddenStretch): void {
  const last = list[list.length - 1];
  if (last && last.reason === next.reason && next.start_m - last.end_m < 1e-6) last.end_m = next.end_m;
  else list.push(next);
}
