import { Command, Option } from 'commander';
import { bandList, nameList, nonNegativeNumber, positiveInt, positiveNumber, probability } from './parse.js';
import { ROAD_DEFAULTS } from '../pipeline/road-settings.js';
import { DEFAULT_STRETCH, STRETCH_MODES, type StretchMode } from '../raster/stretch.js';
import { OUTPUTS, type OutputOptions } from '../report/outputs.js';
import type { BatchOutputs } from '../batch/run.js';
import { SatcountError } from '../types.js';

/** Flags shared by every command that reads images and runs the model (README "Commands"). */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--model <onnx>', 'ONNX detector (default: the shipped model)')
    .option('--gsd <metres>', 'pixel size for images without georeferencing; overrides the file\'s', positiveNumber)
    .option('--bands <r,g,b>', 'bands to use as red, green, blue, counted from 1', bandList)
    .addOption(new Option('--stretch <mode>', 'how bands of more than 8 bits become 8-bit colour: each over its own 2–98 % range, or the three over one shared range (for radiometrically balanced products)').choices([...STRETCH_MODES]).default(DEFAULT_STRETCH))
    .option('--threshold <score>', "minimum detection score (default: the model's; 0.385 for the shipped model)", probability)
    .option('--vehicle-classes <names>', 'comma-separated model classes to count (default: those named car, truck, bus, van, small/large vehicle; all if none is)', nameList)
    .option('--nms-iou <iou>', "overlap above which two boxes are one vehicle (default: the model's; 0.5 for the shipped model)", probability)
    .option('--overlap <pixels>', "tile overlap in model pixels (default: the model's; 64 for the shipped model)", nonNegativeNumber)
    .option('--tile-size <pixels>', 'tile side in model pixels, a multiple of 32 for models that take any size (default 768, 512 with --road; a fixed-input model: its own)', positiveInt)
    .option('--max-megapixels <n>', 'refuse to decode more than this many megapixels in one window', positiveNumber, 400)
    .option('--model-gsd <metres>', 'pixel size the model was trained at, for models whose metadata lacks it', positiveNumber)
    .option('--threads <n>', 'inference threads (default: cores, at most 4)', positiveInt)
    .option('--tta', "test-time augmentation: also infer each tile mirrored left–right and average the two (twice the inference time; satcount-centernet models only; default: the model's, on for the shipped model)")
    .option('--no-tta', 'one inference per tile: about twice as fast, less accurate (the model card has both)');
}

export function addRoadOptions(cmd: Command): Command {
  return cmd
    .option('--road <geojson>', 'road centre line (LineString/MultiLineString; WGS84 unless the file or --road-crs says otherwise)')
    .option('--road-crs <crs>', 'CRS of the road file: EPSG:n, or "pixel" for image pixel coordinates')
    .option('--road-name <name>', 'use only the road file\'s lines with this OSM name (pieces are put in order)')
    .option('--road-ref <ref>', 'use only the road file\'s lines with this OSM ref, e.g. "E 117"')
    .option('--occluded <geojson>', 'road the image cannot show (tunnels, galleries, canopy): polygons, or features with start_m/end_m chainages; bridged and filled like nodata')
    // No commander defaults here: an unset flag must be told apart from one given (road-flags.ts).
    .option('--corridor <metres>', `half-width searched each side of the centre line (default: ${ROAD_DEFAULTS.corridor_m})`, positiveNumber)
    .addOption(new Option('--drive-side <side>', `side of the road traffic drives on (default: the road file's drive_side, else ${ROAD_DEFAULTS.driveSide})`).choices(['right', 'left']))
    .option('--max-gap <metres>', `largest gap between consecutive vehicles inside one queue (default: ${ROAD_DEFAULTS.maxGap_m})`, positiveNumber)
    .addOption(new Option('--queue-head <start|end>', `which end of the line the queue waits at (default: the road file's queue_head, else ${ROAD_DEFAULTS.queueHead})`).choices(['start', 'end']))
    .option('--profile-bin <metres>', `bin size of the density profile along the road (default: ${ROAD_DEFAULTS.profileBin_m})`, positiveNumber);
}

const GEOJSON_BOXES = ['--geojson-boxes', 'GeoJSON boxes instead of centre points'] as const;

/** commander's option key for a flag: "--profile-plot <file>" → "profilePlot". */
function flagKey(flag: string): string {
  return flag.replace(/^--/, '').split(' ')[0].replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** count's output flags, one per output kind, each taking a path. */
export function addOutputOptions(cmd: Command): Command {
  for (const k of OUTPUTS) cmd.option(k.countFlag, `write ${k.description}`);
  return cmd.option(...GEOJSON_BOXES);
}

/** batch's output switches: each writes <image><suffix> into --out-dir. */
export function addBatchOutputOptions(cmd: Command): Command {
  for (const k of OUTPUTS) if (k.batchFlag) cmd.option(k.batchFlag, `also write <image>${k.suffix} per image: ${k.description}`);
  return cmd.option(...GEOJSON_BOXES);
}

/** Refuses output flags that need a road when there is none, before any work. */
function checkRoadOutputs(flags: Record<string, unknown>, flagOf: (k: (typeof OUTPUTS)[number]) => string | undefined): void {
  if (flags.road) return;
  for (const k of OUTPUTS) {
    const flag = flagOf(k);
    if (k.needsRoad && flag && flags[flagKey(flag)]) throw new SatcountError(`${flag.split(' ')[0]} applies to the road analysis; it needs --road <geojson>`);
  }
}

export function countOutputsFrom(flags: Record<string, unknown>): OutputOptions {
  checkRoadOutputs(flags, (k) => k.countFlag);
  const out: OutputOptions = { geojsonBoxes: flags.geojsonBoxes as boolean | undefined };
  for (const k of OUTPUTS) out[k.key] = flags[flagKey(k.countFlag)] as string | undefined;
  return out;
}

export function batchOutputsFrom(flags: Record<string, unknown>): BatchOutputs {
  checkRoadOutputs(flags, (k) => k.batchFlag);
  const out: BatchOutputs = { geojsonBoxes: flags.geojsonBoxes as boolean | undefined };
  for (const k of OUTPUTS) if (k.batchFlag && k.key !== 'out') out[k.key] = flags[flagKey(k.batchFlag)] as boolean | undefined;
  return out;
}

export interface ModelFlags {
  model?: string;
  gsd?: number;
  bands?: number[];
  stretch?: StretchMode;
  threshold?: number;
  vehicleClasses?: string[];
  nmsIou?: number;
  overlap?: number;
  tileSize?: number;
  maxMegapixels?: number;
  threads?: number;
  tta?: boolean;
  modelGsd?: number;
}

export function modelOptionsFrom(flags: ModelFlags) {
  return {
    model: flags.model,
    gsd: flags.gsd,
    bands: flags.bands,
    stretch: flags.stretch,
    overlap: flags.overlap,
    tileSize: flags.tileSize,
    maxMegapixels: flags.maxMegapixels,
    modelOverrides: {
      score_threshold: flags.threshold,
      vehicle_classes: flags.vehicleClasses,
      nms_iou: flags.nmsIou,
      threads: flags.threads,
      tta: flags.tta,
      gsd_m: flags.modelGsd,
    },
  };
}
