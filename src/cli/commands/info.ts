import { Command } from 'commander';
import { publicInfo } from '../../raster/info.js';
import { openRaster } from '../../raster/open.js';
import { bandList, positiveNumber } from '../parse.js';
import { action, loggerFor, type GlobalFlags } from '../run-command.js';

export function infoCommand(): Command {
  return new Command('info')
    .description('what the reader sees: size, bands, data type, CRS, pixel size, nodata, tiling, overviews')
    .argument('<image>', 'GeoTIFF/COG (path or URL), or PNG/JPEG/TIFF')
    .option('--gsd <metres>', 'pixel size for images without georeferencing', positiveNumber)
    .option('--bands <r,g,b>', 'bands to use as red, green, blue, counted from 1', bandList)
    .addHelpText('after', '\nExamples:\n  $ satcount info scene.tif\n  $ satcount info scene.tif --json | jq .gsd_m')
    .action(
      action(async (image: string, flags: { gsd?: number; bands?: number[] } & GlobalFlags) => {
        const source = await openRaster(image, { gsd: flags.gsd, bands: flags.bands, allowNoGsd: true });
        try {
          const logger = loggerFor(flags);
          for (const note of source.notes) logger.warn(note);
          const info = publicInfo(source.info);
          if (flags.json) {
            process.stdout.write(JSON.stringify(info, null, 2) + '\n');
            return;
          }
          const rows: [string, unknown][] = [
            ['file', source.info.path],
            ['size', `${info.width} × ${info.height} px`],
            ['bands', `${info.bands} (${info.dtype})`],
            ['crs', info.crs ?? (source.info.crsProj4 ? `custom: ${source.info.crsProj4}` : 'none')],
            ['pixel size', info.gsd_m === null ? 'unknown (pass --gsd)' : `${info.gsd_m.toPrecision(4)} m`],
            ['georeferenced', info.georeferenced ? 'yes' : 'no'],
            ['nodata', info.nodata ?? 'none'],
            ['alpha / mask', `${source.info.alphaBand === null ? 'no alpha' : `alpha in band ${source.info.alphaBand + 1}`}, ${source.info.hasMask ? 'mask' : 'no mask'}`],
            ['layout', info.tiled ? `tiled ${source.info.blockWidth}×${source.info.blockHeight}` : `striped (${source.info.blockHeight} rows per strip)`],
            ['overviews', info.overviews],
          ];
          process.stdout.write(rows.map(([k, v]) => `${k.padEnd(14)}${v}`).join('\n') + '\n');
        } finally {
          await source.close();
        }
      }),
    );
}
