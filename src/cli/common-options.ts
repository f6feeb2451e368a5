import { Command, Option } from 'commander';
import { bandList, nameList, nonNegativeNumber, positiveInt, positiveNumber, probability } from './parse.js';
import { ROAD_DEFAULTS } from '../pipeline/road.js';

/** Flags shared by every command that reads images and runs the model (CONTRACT.md "Common flags"). */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--model <onnx>', 'ONNX detector (default: the shipped model)')
    .option('--gsd <metres>', 'pixel size for images without georeferencing; overrides the file\'s', positiveNumber)
    .option('--bands <r,g,b>', 'bands to use as red, green, blue, counted from 1', bandList)
    .option('--threshold <score>', 'minimum detection score (default: the model\'s)', probability)
    .option('--vehicle-classes <names>', 'comma-separated model classes to count (default: those named car, truck, bus, van, small/large vehicle; all if none is)', nameList)
    .option('--nms-iou <iou>', 'overlap above which two boxes are one vehicle (default: the model\'s)', probability)
    .option('--overlap <pixels>', 'tile overlap in model pixels (default: the model\'s)', nonNegativeNumber)
    .option('--max-megapixels <n>', 'refuse to decode more than this many megapixels in one window', positiveNumber, 400)
    .option('--model-gsd <metres>', 'pixel size the model was trained at, for models whose metadata lacks it', positiveNumber)
    .option('--threads <n>', 'inference threads (default: cores, at most 4)', positiveInt);
}

export function addRoadOptions(cmd: Command): Command {
  return cmd
    .option('--road <geojson>', 'road centre line (LineString/MultiLineString; WGS84 unless the file or --road-crs says otherwise)')
    .option('--road-crs <crs>', 'CRS of the road file: EPSG:n, or "pixel" for image pixel coordinates')
    .option('--corridor <metres>', 'half-width searched each side of the centre line', positiveNumber, ROAD_DEFAULTS.corridor_m)
    .addOption(new Option('--drive-side <side>', 'side of the road traffic drives on').choices(['right', 'left']).default(ROAD_DEFAULTS.driveSide))
    .option('--max-gap <metres>', 'largest gap between consecutive vehicles inside one queue', positiveNumber, ROAD_DEFAULTS.maxGap_m)
    .addOption(new Option('--queue-head <end>', 'which end of the line the queue waits at').choices(['start', 'end']).default(ROAD_DEFAULTS.queueHead))
    .option('--profile-bin <metres>', 'bin size of the density profile along the road', positiveNumber, ROAD_DEFAULTS.profileBin_m);
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--out <file.json>', 'write the result JSON')
    .option('--geojson <file>', 'write detections (and queues) as RFC 7946 GeoJSON in WGS84')
    .option('--geojson-boxes', 'GeoJSON boxes instead of centre points')
    .option('--csv <file>', 'write detections as CSV')
    .option('--overlay <file.png>', 'write the image with boxes drawn on it (at most 4000 px wide)');
}

export interface ModelFlags {
  model?: string;
  gsd?: number;
  bands?: number[];
  threshold?: number;
  vehicleClasses?: string[];
  nmsIou?: number;
  overlap?: number;
  maxMegapixels?: number;
  threads?: number;
  modelGsd?: number;
}

export function modelOptionsFrom(flags: ModelFlags) {
  return {
    model: flags.model,
    gsd: flags.gsd,
    bands: flags.bands,
    overlap: flags.overlap,
    maxMegapixels: flags.maxMegapixels,
    modelOverrides: {
      score_threshold: flags.threshold,
      vehicle_classes: flags.vehicleClasses,
      nms_iou: flags.nmsIou,
      threads: flags.threads,
      gsd_m: flags.modelGsd,
    },
  };
}
