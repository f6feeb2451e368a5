import { SatcountError } from '../types.js';

export type RoadShape = 'straight' | 'curved' | 'hairpin' | 'mountain';
export type OtherDirection = 'empty' | 'sparse' | 'jam';
export type SynthBands = 'rgb' | 'rgbn16';
export type DriveSide = 'right' | 'left';
export type QueueHead = 'start' | 'end';

/** What `satcount synth` accepts; every field has a default (see `resolveSynthOptions`). */
export interface SynthOptions {
  seed?: number;
  /** Metres per pixel. */
  gsd?: number;
  /** Image size in pixels. */
  width?: number;
  height?: number;
  /** "EPSG:n" of a projected CRS in metres; default the UTM zone of `center`. */
  crs?: string;
  /** [lon, lat] of the image centre. */
  center?: [number, number];
  road?: RoadShape;
  /** Lanes per direction. */
  lanes?: number;
  /** Requested length of the jammed queue in metres (clipped to the road in the image). */
  queueLength?: number;
  otherDirection?: OtherDirection;
  /** Fraction of the queue hidden under nodata and cloud, 0..0.8. */
  hidden?: number;
  /** Stretches of closed tree canopy over the road (40–100 m each, inside the queue), 0..20. */
  canopy?: number;
  bands?: SynthBands;
  driveSide?: DriveSide;
  /** The end of the road line the queue waits at: 'end' jams the forward direction, 'start' the backward one. */
  queueHead?: QueueHead;
}

export type ResolvedSynthOptions = Required<Omit<SynthOptions, 'crs'>> & { crs: string | null };

/** 200 MP of 8-bit RGB is 600 MB: a 20 km road at 0.3 m (70,000 × 1,500 px) is 105 MP. */
const MAX_PIXELS = 200e6;

/** Medyka, on the Poland-Ukraine border, known for its truck queues. */
const DEFAULT_CENTER: [number, number] = [22.951, 49.8];

export const SYNTH_DEFAULTS: Omit<ResolvedSynthOptions, 'center'> & { center: [number, number] } = {
  seed: 1,
  gsd: 0.3,
  width: 2000,
  height: 1000,
  crs: null,
  center: DEFAULT_CENTER,
  road: 'straight',
  lanes: 2,
  queueLength: 500,
  otherDirection: 'sparse',
  hidden: 0,
  canopy: 0,
  bands: 'rgb',
  driveSide: 'right',
  queueHead: 'end',
};

/** Fills defaults and rejects values no scene can honour (SatcountError, exit 2). */
export function resolveSynthOptions(opts: SynthOptions): ResolvedSynthOptions {
  const o: ResolvedSynthOptions = { ...SYNTH_DEFAULTS, ...definedOnly(opts) };
  const fail = (what: string) => {
    throw new SatcountError(`synth: ${what}`);
  };
  if (!Number.isInteger(o.seed) || o.seed < 0) fail(`--seed must be a non-negative integer, got ${o.seed}`);
  if (!(o.gsd >= 0.05 && o.gsd <= 2)) fail(`--gsd must be between 0.05 and 2 metres, got ${o.gsd}`);
  if (!Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width < 64 || o.height < 64) {
    fail(`--size must be at least 64x64 pixels, got ${o.width}x${o.height}`);
  }
  // Strips bound the rendering; the finished image (3 or 8 bytes a pixel) is what stays in memory.
  if (o.width * o.height > MAX_PIXELS) fail(`--size ${o.width}x${o.height} is over ${MAX_PIXELS / 1e6} megapixels (the finished image is held in memory)`);
  if (!Number.isInteger(o.lanes) || o.lanes < 1 || o.lanes > 4) fail(`--lanes must be 1 to 4 per direction, got ${o.lanes}`);
  if (!(o.queueLength >= 0)) fail(`--queue-length must be >= 0 metres, got ${o.queueLength}`);
  if (!(o.hidden >= 0 && o.hidden <= 0.8)) fail(`--hidden must be a fraction from 0 to 0.8, got ${o.hidden}`);
  if (!Number.isInteger(o.canopy) || o.canopy < 0 || o.canopy > 20) fail(`--canopy must be 0 to 20 stretches, got ${o.canopy}`);
  const [lon, lat] = o.center;
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 80)) fail(`--center must be lon,lat within ±180, ±80, got ${o.center}`);
  if (o.crs !== null && !/^EPSG:\d+$/i.test(o.crs)) fail(`--crs must look like EPSG:32634, got ${o.crs}`);
  oneOf('--road', o.road, ['straight', 'curved', 'hairpin', 'mountain']);
  oneOf('--other-direction', o.otherDirection, ['empty', 'sparse', 'jam']);
  oneOf('--bands', o.bands, ['rgb', 'rgbn16']);
  oneOf('--drive-side', o.driveSide, ['right', 'left']);
  oneOf('--queue-head', o.queueHead, ['start', 'end']);
  return o;
}

function oneOf(flag: string, value: string, allowed: string[]): void {
  if (!allowed.includes(value)) throw new SatcountError(`synth: ${flag} must be one of ${allowed.join('|')}, got ${value}`);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Parses `--size WxH` (e.g. "2000x1000"). */
export function parseSize(text: string, flag = '--size'): { width: number; height: number } {
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(text);
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) throw new SatcountError(`synth: ${flag} must look like ${flag === '--size' ? '2000x1000' : '3x1'}, got ${text}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Parses `--center lon,lat` (e.g. "22.95,49.80"). */
export function parseLonLat(text: string): [number, number] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v))) {
    throw new SatcountError(`synth: --center must look like lon,lat (e.g. 22.95,49.8), got ${text}`);
  }
  return [parts[0], parts[1]];
}
