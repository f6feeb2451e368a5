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

/**
 * The warning for road found under closed tree canopy (either carriageway): how much, and where
 * (the first few ranges, merged across directions), so a reader can check the image there.
 */
export function canopyWarning(road: string, hidden: HiddenByDirection): string | null {
  const spans = [...hidden.forward, ...hidden.backward].filter((h) => h.reason === 'canopy').sort((a, b) => a.start_m - b.start_m);
  if (spans.length === 0) return null;
  const merged: { start_m: number; end_m: number }[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    // Holes of a few metres in one canopy (a lighter crown) are the same stretch to a reader.
    if (last && s.start_m - last.end_m <= 10) last.end_m = Math.max(last.end_m, s.end_m);
    else merged.push({ start_m: s.start_m, end_m: s.end_m });
  }
  const total = merged.reduce((a, m) => a + m.end_m - m.start_m, 0);
  const shown = merged.slice(0, 5).map((m) => `${Math.round(m.start_m)}–${Math.round(m.end_m)} m`);
  const more = merged.length > 5 ? ` and ${merged.length - 5} more` : '';
  return `road ${road}: tree canopy seems to close over ${Math.round(total)} m of road (chainage ${shown.join(', ')}${more}); queues are bridged across it and filled with their own density (queues[].filled, reason canopy) — check the image there, or mark it with --occluded`;
}
