import { openRaster, type OpenOptions, type ReadOptions } from '../raster/open.js';
import type { RgbImage } from '../types.js';

export interface LoadedImage {
  image: RgbImage;
  /** Metres per pixel stated by the file (or the `gsd` option); null when neither states one. */
  gsd_m: number | null;
}

/**
 * Decodes a whole image to 8-bit RGB through the raster reader, like `count` (GeoTIFF, TIFF, PNG,
 * JPEG; invalid where nodata or transparent), with its pixel size when the file or `opts.gsd` gives one.
 */
export async function loadImage(path: string, opts: ReadOptions & Pick<OpenOptions, 'signal'> = {}): Promise<LoadedImage> {
  const source = await openRaster(path, { ...opts, allowNoGsd: true });
  try {
    const { width, height } = source.info;
    const image = await source.readRgb({ x: 0, y: 0, width, height }, width, height);
    return { image, gsd_m: source.info.georeferenced || opts.gsd ? source.info.gsd_m : null };
  } finally {
    await source.close();
  }
}
