import { Command, Option } from 'commander';
import { parseLonLat, parseSize, SYNTH_DEFAULTS } from '../../synth/options.js';
import { nonNegativeNumber, positiveInt, positiveNumber } from '../parse.js';
import { action, loggerFor, type GlobalFlags } from '../run-command.js';

interface SynthFlags extends GlobalFlags {
  out: string;
  seed: number;
  gsd: number;
  size: string;
  crs?: string;
  center?: string;
  road: 'straight' | 'curved' | 'hairpin' | 'mountain';
  lanes: number;
  queueLength: number;
  otherDirection: 'empty' | 'sparse' | 'jam';
  hidden: number;
  canopy: number;
  bands: 'rgb' | 'rgbn16';
  driveSide: 'right' | 'left';
  queueHead: 'start' | 'end';
  date?: string;
  tiles?: string;
  tileOverlap: number;
}

/** A queue ends within a vehicle length and a gap of the length asked for; shorter means the road ran out. */
const SHORTFALL_M = 25;

export function synthCommand(): Command {
  const d = SYNTH_DEFAULTS;
  return new Command('synth')
    .description('render a georeferenced synthetic road scene with exact ground truth (<out>.tif, .road.geojson, .truth.json)')
    .requiredOption('--out <scene.tif>', 'image to write; the road and truth files go beside it')
    .option('--seed <n>', 'random seed: the same seed gives the same scene', (v) => Math.floor(nonNegativeNumber(v)), d.seed)
    .option('--gsd <metres>', 'pixel size', positiveNumber, d.gsd)
    .option('--size <WxH>', 'image size in pixels', `${d.width}x${d.height}`)
    .option('--crs <EPSG:n>', 'projected CRS in metres (default: the UTM zone of the centre)')
    .option('--center <lon,lat>', `scene centre in WGS84 (default: ${d.center.join(',')})`)
    .addOption(new Option('--road <shape>', 'road shape; mountain: tight bends (radius ~40 m) along the long side and valley-side shadows across the road').choices(['straight', 'curved', 'hairpin', 'mountain']).default(d.road))
    .option('--lanes <n>', 'lanes per direction', positiveInt, d.lanes)
    .option('--queue-length <metres>', 'length of the jam', nonNegativeNumber, d.queueLength)
    .addOption(new Option('--other-direction <traffic>', 'traffic on the other carriageway').choices(['empty', 'sparse', 'jam']).default(d.otherDirection))
    .option('--hidden <fraction>', 'fraction of the queue under nodata and cloud (0 to 0.8)', nonNegativeNumber, d.hidden)
    .option('--canopy <n>', 'stretches of closed tree canopy over the road, 40–100 m each, inside the queue (0 to 20)', (v) => Math.floor(nonNegativeNumber(v)), d.canopy)
    .addOption(new Option('--bands <kind>', '8-bit RGB or 16-bit RGB+NIR').choices(['rgb', 'rgbn16']).default(d.bands))
    .addOption(new Option('--drive-side <side>', 'side traffic drives on').choices(['right', 'left']).default(d.driveSide))
    .addOption(new Option('--queue-head <end>', 'end of the road line the queue waits at: end jams forward traffic, start backward').choices(['start', 'end']).default(d.queueHead))
    .option('--date <iso>', 'acquisition time written into the TIFF DateTime tag (of every tile), e.g. 2026-03-14T09:30:00Z')
    .option('--tiles <CxR>', 'deliver as C × R overlapping tiles <out>_R1C1.tif … plus <out>.vrt, as vendors cut long strips')
    .option('--tile-overlap <pixels>', 'pixels neighbouring tiles share', (v) => Math.floor(nonNegativeNumber(v)), 256)
    .addHelpText('after', '\nExit codes: 0 ok · 2 bad usage or unwritable output · 130 interrupted\n\nExamples:\n  $ satcount synth --out scene.tif --seed 7 --queue-length 800 --hidden 0.1\n  $ satcount synth --out curve.tif --road curved --drive-side left\n  $ satcount synth --out border.tif --size 70000x1500 --road mountain --queue-length 20000 --tiles 3x1')
    .action(
      action(async (flags: SynthFlags) => {
        const { width, height } = parseSize(flags.size);
        const grid = flags.tiles ? parseSize(flags.tiles, '--tiles') : null;
        // The renderer (sharp, proj4) loads on use, not at start-up.
        const { writeScene } = await import('../../synth/index.js');
        const scene = await writeScene(flags.out, {
          seed: flags.seed,
          gsd: flags.gsd,
          width,
          height,
          crs: flags.crs,
          center: flags.center ? parseLonLat(flags.center) : undefined,
          road: flags.road,
          lanes: flags.lanes,
          queueLength: flags.queueLength,
          otherDirection: flags.otherDirection,
          hidden: flags.hidden,
          canopy: flags.canopy,
          bands: flags.bands,
          driveSide: flags.driveSide,
          queueHead: flags.queueHead,
        }, { date: flags.date, tiles: grid ? { cols: grid.width, rows: grid.height, overlap: flags.tileOverlap } : undefined });
        // A queue longer than the road is cut at the scene's edge; the truth file has the real length.
        const warnings = scene.truth.queues
          .filter((q) => q.jammed && q.length_m < flags.queueLength - SHORTFALL_M)
          .map((q) => `synth: --queue-length ${flags.queueLength} m does not fit the road in this scene: the ${q.direction} queue is ${Math.round(q.length_m)} m (${scene.paths.truth} has the exact extent)`);
        const logger = loggerFor(flags);
        for (const w of warnings) logger.warn(w);
        const summary = { ...scene.paths, vehicles: scene.truth.vehicles.length, queues: scene.truth.queues, warnings };
        process.stdout.write(flags.json ? JSON.stringify(summary, null, 2) + '\n' : `wrote ${scene.paths.tiles ? `${scene.paths.tiles.join(', ')}, ` : ''}${scene.paths.image}, ${scene.paths.road}, ${scene.paths.truth} (${scene.truth.vehicles.length} vehicles)\n`);
      }),
    );
}
