import { Command } from 'commander';
import { checkWritable } from '../../io/atomic.js';
import { bandList, positiveNumber } from '../parse.js';
import { action, loggerFor, type GlobalFlags } from '../run-command.js';

const lonLatText = ([lon, lat]: [number, number]) => `(${lon.toFixed(7)}, ${lat.toFixed(7)})`;

/** WGS84 corners as gdalinfo lists them ("Upper Left (lon, lat)"). */
function footprintRows(corners: [number, number][] | null): [string, string][] {
  if (!corners) return [['footprint', 'unknown (not georeferenced)']];
  const [ul, ll, lr, ur] = corners;
  return [
    ['upper left', lonLatText(ul)],
    ['lower left', lonLatText(ll)],
    ['upper right', lonLatText(ur)],
    ['lower right', lonLatText(lr)],
  ];
}

export function infoCommand(): Command {
  return new Command('info')
    .description('what the reader sees: size, bands, data type, CRS, pixel size, nodata, tiling, overviews')
    .argument('<image>', 'GeoTIFF/COG (path or URL), or PNG/JPEG/TIFF')
    .option('--gsd <metres>', 'pixel size for images without georeferencing', positiveNumber)
    .option('--bands <r,g,b>', 'bands to use as red, green, blue, counted from 1', bandList)
    .option('--geojson <file>', "write the image's footprint as a WGS84 GeoJSON polygon (to draw a road over it)")
    .addHelpText(
      'after',
      '\nExit codes: 0 ok · 2 unreadable or unsupported image, or no georeferencing for --geojson\n\nExamples:\n  $ satcount info scene.tif\n  $ satcount info scene.tif --json | jq .gsd_m\n  $ satcount info scene.tif --geojson footprint.geojson',
    )
    .action(
      action(async (image: string, flags: { gsd?: number; bands?: number[]; geojson?: string } & GlobalFlags) => {
        if (flags.geojson) await checkWritable(flags.geojson);
        // The reader loads on use, not when any command starts.
        const [{ footprintGeoJson, publicInfo }, { openRaster }, { writeFileAtomic }, { SatcountError }] = await Promise.all([
          import('../../raster/info.js'),
          import('../../raster/open.js'),
          import('../../io/atomic.js'),
          import('../../types.js'),
        ]);
        const source = await openRaster(image, { gsd: flags.gsd, bands: flags.bands, allowNoGsd: true });
        try {
          const logger = loggerFor(flags);
          for (const note of source.notes) logger.warn(note);
          const info = publicInfo(source.info, source.georef);
          if (flags.geojson) {
            if (!info.footprint_lonlat) throw new SatcountError(`${image}: no georeferencing, so no WGS84 footprint can be written (${flags.geojson})`);
            await writeFileAtomic(flags.geojson, footprintGeoJson(image, info.footprint_lonlat));
          }
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
            ...footprintRows(info.footprint_lonlat),
          ];
          process.stdout.write(rows.map(([k, v]) => `${k.padEnd(14)}${v}`).join('\n') + '\n');
        } finally {
          await source.close();
        }
      }),
    );
}
