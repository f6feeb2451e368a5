/** Typical lane width when the offsets do not show one, metres. */
const DEFAULT_LANE_WIDTH = 3.5;
/** Kernel width for the offset density: about the scatter of a vehicle centre within its lane. */
const KERNEL_SIGMA = 0.6;
const GRID_STEP = 0.1;
/** A density peak below this share of the highest one is a stray vehicle, not a lane. */
const LANE_PEAK_SHARE = 0.25;

/** A centre farther than this share of a lane width from every lane centre is not in a lane. */
const LANE_TOLERANCE = 0.4;
/** Fewer vehicles than this in a direction do not show its lanes; both directions' are pooled then. */
export const MIN_VEHICLES_FOR_LANES = 10;

/** The lanes of one direction as the vehicles show them, distances from the centre line. */
export interface LaneLayout {
  /** Centre of lane 0, metres from the centre line. */
  inner_m: number;
  width_m: number;
  /** Lanes from lane 0 to the outermost busy one, empty ones between included. */
  lanes: number;
  /** Centres of the busy lanes (density peaks), ascending. */
  busy_m: number[];
}

/**
 * Learns the lanes from vehicle centres' distances to the centre line (one direction): the strong
 * peaks of their density (see assignLanes). Null when there are no distances.
 */
export function learnLanes(distances: readonly number[], laneWidth_m?: number): LaneLayout | null {
  if (distances.length === 0) return null;
  const peaks = strongPeaks(distances);
  const width = laneWidth_m ?? estimateWidth(peaks);
  return { inner_m: peaks[0], width_m: width, lanes: Math.round((peaks[peaks.length - 1] - peaks[0]) / width) + 1, busy_m: peaks };
}

/**
 * Whether a centre at `distance` from the centre line lies in one of the layout's lanes: within
 * 0.4 lane widths of a lane centre, so a car on the verge, a shadow on the road edge or a false
 * alarm beside the road (a lane width out) is not, while queued cars (±0.5 m) all are.
 */
export function inLane(layout: LaneLayout, distance: number): boolean {
  const tol = LANE_TOLERANCE * layout.width_m;
  // Busy lanes where the vehicles show them; empty ones between, a lane width apart.
  if (layout.busy_m.some((c) => Math.abs(distance - c) <= tol)) return true;
  const k = Math.min(layout.lanes - 1, Math.max(0, Math.round((distance - layout.inner_m) / layout.width_m)));
  return Math.abs(distance - layout.inner_m - k * layout.width_m) <= tol;
}

/**
 * Lane index per vehicle from its distance to the centre line (|offset|, one direction only):
 * 0 for the innermost lane. A Gaussian density of the offsets shows one peak per busy lane; the
 * innermost strong peak is lane 0's centre and the lane width is the median spacing of strong
 * peaks (or `laneWidth_m`, or 3.5 m when only one lane is busy). Each vehicle then takes the
 * lane whose centre is nearest, so a few stray or noisy centres neither add nor shift lanes,
 * and an empty lane between busy ones keeps its number.
 *
 * @example assignLanes([1.6, 1.9, 5.1, 5.4]) // [0, 0, 1, 1]
 */
export function assignLanes(distances: readonly number[], laneWidth_m?: number): number[] {
  const layout = learnLanes(distances, laneWidth_m);
  if (!layout) return [];
  return distances.map((d) => Math.max(0, Math.round((d - layout.inner_m) / layout.width_m)));
}

/** Centres of the strong density peaks, ascending. */
function strongPeaks(values: readonly number[]): number[] {
  const max = values.reduce((m, v) => Math.max(m, v), 0) + 4 * KERNEL_SIGMA;
  const n = Math.ceil(max / GRID_STEP) + 1;
  const density = new Float64Array(n);
  const reach = Math.ceil((4 * KERNEL_SIGMA) / GRID_STEP);
  for (const v of values) {
    const centre = Math.round(v / GRID_STEP);
    for (let i = Math.max(0, centre - reach); i <= Math.min(n - 1, centre + reach); i++) {
      const z = (i * GRID_STEP - v) / KERNEL_SIGMA;
      density[i] += Math.exp(-0.5 * z * z);
    }
  }
  const peaks: { at: number; height: number }[] = [];
  for (let i = 0; i < n; i++) {
    const left = i > 0 ? density[i - 1] : -Infinity;
    const right = i < n - 1 ? density[i + 1] : -Infinity;
    if (density[i] > left && density[i] >= right) peaks.push({ at: i * GRID_STEP, height: density[i] });
  }
  const highest = peaks.reduce((m, p) => Math.max(m, p.height), 0);
  return peaks.filter((p) => p.height >= LANE_PEAK_SHARE * highest).map((p) => p.at);
}

function estimateWidth(peaks: readonly number[]): number {
  const gaps = peaks.slice(1).map((p, i) => p - peaks[i]).filter((g) => g >= 2.5 && g <= 4.5);
  if (gaps.length === 0) return DEFAULT_LANE_WIDTH;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}
