import type { GeoTIFFImage } from 'geotiff';
import { SatcountError, SettingsError, type GeoTransform } from '../../types.js';
import { crsFromGeoKeys, isCrsProblem, type GeoKeys } from '../geo/crs.js';
import { georefFrom } from '../geo/georef.js';
import { gridGsd, groundGsd, proj4UnitToMetre } from '../geo/gsd.js';
import { geoTransformFromTags } from '../geo/transform.js';

/** A GCP-only file is accepted when an affine transform reproduces its GCPs this closely. */
const MAX_GCP_RMS_PIXELS = 2;

export interface TiffGeoreferencing {
  /** The file carries GeoTIFF keys or a model transform (format "geotiff" rather than "tiff"). */
  geotiff: boolean;
  crs: string | null;
  crsProj4: string | null;
  geoTransform: GeoTransform | null;
  /** On Earth, with both a transform and a CRS: coordinates can be turned into WGS84. */
  georeferenced: boolean;
  /** Null only when the caller allowed an unknown pixel size. */
  gsd_m: number | null;
  /** Things to tell the user once. */
  notes: string[];
}

/**
 * Reads the georeferencing of a TIFF's first image: transform (tiepoint + scale, matrix, or GCPs
 * fitted with an affine), CRS from the GeoKeys, and ground metres per pixel (`gsd` overrides).
 * Refuses, with one line, files whose pixel size cannot be known without --gsd, unless
 * `allowNoGsd`.
 */
export async function readTiffGeoreferencing(
  path: string,
  image: GeoTIFFImage,
  gsd: number | undefined,
  allowNoGsd = false,
): Promise<TiffGeoreferencing> {
  const fd = image.getFileDirectory();
  const width = image.getWidth();
  const height = image.getHeight();
  const notes: string[] = [];
  const keys = image.getGeoKeys() as GeoKeys | null;
  let transform = geoTransformFromTags({
    modelPixelScale: fd.getValue('ModelPixelScale') as ArrayLike<number> | undefined,
    modelTiepoint: (await fd.loadValue('ModelTiepoint')) as ArrayLike<number> | undefined,
    modelTransformation: fd.getValue('ModelTransformation') as ArrayLike<number> | undefined,
    pixelIsPoint: keys?.GTRasterTypeGeoKey === 2,
  });
  if (transform.kind === 'gcp') {
    if (transform.rmsPixels > MAX_GCP_RMS_PIXELS) {
      throw new SatcountError(
        `${path}: georeferenced only by ${transform.gcpCount} ground control points that no affine transform fits (misfit ${transform.rmsPixels.toFixed(1)} px RMS); warp it first, e.g. gdalwarp -tps`,
      );
    }
    notes.push(
      `${path}: georeferencing fitted as an affine transform to ${transform.gcpCount} ground control points (misfit ${transform.rmsPixels.toFixed(2)} px RMS)`,
    );
  }
  // Corrupt scale or tiepoint tags (NaN, infinite, zero pixel size) make a transform that cannot
  // map pixels to coordinates and back; proj4 throws on such points deep inside the pipeline.
  let badTransform: string | null = null;
  if (transform.kind !== 'none') {
    const t = transform.geoTransform;
    if (!t.every(Number.isFinite) || !(Math.abs(t[1] * t[5] - t[2] * t[4]) > 0)) {
      badTransform = `an unusable geotransform [${t.join(', ')}]`;
      transform = { kind: 'none' };
    }
  }
  const crs = crsFromGeoKeys(keys);
  let crsProblem: string | null = null;
  if (isCrsProblem(crs)) crsProblem = crs.reason;
  const imageCrs = crs && !isCrsProblem(crs) ? crs : null;
  const geoTransform = transform.kind === 'none' ? null : transform.geoTransform;
  const earth = imageCrs?.earth ?? false;
  const georeferenced = geoTransform !== null && imageCrs !== null && earth;
  if (badTransform) notes.push(`${path}: has ${badTransform}; treated as not georeferenced`);
  if (geoTransform && crsProblem) notes.push(`${path}: has ${crsProblem}; treated as not georeferenced`);
  if (geoTransform && imageCrs && !earth) {
    notes.push(`${path}: CRS "${imageCrs.name}" is not on Earth; outputs carry pixel and image-CRS coordinates only, no WGS84`);
  }
  if (georeferenced && imageCrs.droppedGrids.length > 0) {
    notes.push(
      `${path}: CRS ${imageCrs.epsg ?? imageCrs.name} shifts its datum with grid ${imageCrs.droppedGrids.join(', ')}, which satcount does not have; WGS84 positions may be off by up to ~100 m (pixel sizes are unaffected)`,
    );
  }
  if (geoTransform && !imageCrs && !crsProblem) notes.push(`${path}: has a geotransform but no CRS; treated as not georeferenced`);

  const crsProj4 = imageCrs?.proj4 ?? null;
  const georef = georeferenced && geoTransform && crsProj4 ? georefFrom(geoTransform, crsProj4) : null;
  let gsd_m: number | null = null;
  if (gsd !== undefined) gsd_m = gsd;
  else if (georef) gsd_m = groundGsd(georef, width, height);
  else if (geoTransform && imageCrs && !imageCrs.geographic) {
    const unit = proj4UnitToMetre(imageCrs.proj4);
    if (unit !== null) gsd_m = gridGsd(geoTransform, unit);
  }
  if (gsd_m === null && !allowNoGsd) {
    if (crsProblem || badTransform) throw new SettingsError('gsd', (n) => `${path}: has ${badTransform ?? crsProblem}; pass ${n} <metres per pixel> to read it without georeferencing`);
    throw new SettingsError('gsd', (n) => `${path}: has no georeferencing; pass ${n} <metres per pixel>`);
  }
  return {
    geotiff: geoTransform !== null || keys !== null,
    crs: imageCrs?.epsg ?? null,
    crsProj4,
    geoTransform,
    georeferenced,
    gsd_m,
    notes,
  };
}
