import { SatcountError, type ModelInfo } from '../types.js';

/** A car's length on the ground, and the fewest pixels along it any detector can find it in. */
const CAR_LENGTH_M = 4.8;
const MIN_CAR_PX = 6;
/** Coarser than this a car is under MIN_CAR_PX pixels long: no model finds it, whatever its range. */
export const COARSEST_USABLE_GSD_M = CAR_LENGTH_M / MIN_CAR_PX;
/** Ground pixel sizes measured through WGS84 differ from the nominal grid size by a few per mille. */
const TOLERANCE = 1.02;

export interface PixelSizeVerdict {
  /** For stderr and the result's `warnings[]`. */
  warnings: string[];
  /** For the log only. */
  notes: string[];
}

const metres = (v: number) => `${Number(v.toPrecision(2))} m`;

function rangeText(model: ModelInfo): string {
  const [finest, coarsest] = model.gsd_range_m;
  return finest === coarsest ? metres(finest) : `${Number(finest.toPrecision(2))}–${metres(coarsest)}`;
}

/**
 * Compares the image's pixel size with the range the model was validated on, before any tile is
 * read: a far too coarse image is refused (unless `force`), since it would count nothing right
 * and, upsampled to the model's scale, could take hours; one just outside the range is counted
 * with a warning; a much finer one is resampled, which the log says.
 */
export function checkPixelSize(path: string, gsd: number, model: ModelInfo, force = false): PixelSizeVerdict {
  const [finest, coarsest] = model.gsd_range_m;
  if (gsd > COARSEST_USABLE_GSD_M * TOLERANCE) {
    const problem = `pixel size ${metres(gsd)} is far coarser than the ${rangeText(model)} the model ${model.name} was validated on (a car would be under ${MIN_CAR_PX} px)`;
    if (!force) throw new SatcountError(`${path}: ${problem}; use imagery of ${metres(coarsest)} or finer, or pass --force to count anyway`);
    return { warnings: [`${path}: ${problem}; counted anyway (--force): expect most vehicles to be missed`], notes: [] };
  }
  if (gsd > coarsest * TOLERANCE) {
    return { warnings: [`${path}: pixel size ${metres(gsd)} is coarser than the ${rangeText(model)} the model ${model.name} was validated on; counts may be low`], notes: [] };
  }
  if (gsd * TOLERANCE < finest) {
    return { warnings: [], notes: [`${path}: pixel size ${metres(gsd)} is finer than the model's ${metres(model.gsd_m)}: each tile is resampled ${(model.gsd_m / gsd).toFixed(1)}× down before detection`] };
  }
  return { warnings: [], notes: [] };
}
