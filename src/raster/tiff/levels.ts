import { existsSync } from 'node:fs';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import { fileSize, isUrl, openTiffFile } from '../sources/files.js';
import { SatcountError } from '../../types.js';
import { BlockCache, BlockReader, blockDataEnd } from './blocks.js';
import { checkIfd } from './ifd-check.js';

/**
 * Default bound of the decoded-block cache: a whole row of 512² RGB blocks across a 40,000-pixel
 * image (62 MB) with room to spare, so the next row of tiles, or a corridor's next window, finds
 * the blocks it shares with the last ones still decoded.
 */
export const BLOCK_CACHE_BYTES = 128 * 1024 * 1024;

/** One resolution of the image: the full-resolution IFD or an overview, with its mask if any. */
export interface Level {
  reader: BlockReader;
  mask: BlockReader | null;
  /** Full-resolution pixels per level pixel. */
  factorX: number;
  factorY: number;
}

/** More IFDs than any real pyramid with masks has; a longer chain is corrupt. */
const MAX_IFDS = 256;

/**
 * Every image (IFD) of a TIFF, in file order. geotiff's getImageCount follows next-IFD pointers
 * without end, so a chain that points back to an earlier IFD (a corrupt or hostile file) would
 * spin forever: the chain is walked here, refusing a repeated offset or an absurd length.
 */
export async function images(tiff: GeoTIFF, size: number | null): Promise<GeoTIFFImage[]> {
  const out: GeoTIFFImage[] = [];
  const seen = new Set<number>([tiff.firstIFDOffset]);
  let offset = tiff.firstIFDOffset;
  for (;;) {
    await checkIfd(tiff, offset, size);
    const image = await tiff.getImage(out.length);
    out.push(image);
    const next = image.getFileDirectory().nextIFDByteOffset;
    if (next === 0) return out;
    if (seen.has(next)) throw new Error(`its directory chain loops back to byte ${next}`);
    if (out.length >= MAX_IFDS) throw new Error(`more than ${MAX_IFDS} image directories`);
    seen.add(next);
    offset = next;
  }
}

function subfileType(image: GeoTIFFImage): number {
  return Number(image.getFileDirectory().getValue('NewSubfileType') ?? 0);
}

/**
 * The resolution levels of a TIFF, finest first: its first image, then overviews (internal IFDs
 * with NewSubfileType bit 0, or an external `.ovr`), each paired with a mask of its size (internal
 * IFDs with bit 2, or an external `.msk`). All share one bounded cache of decoded blocks.
 * External files opened here are pushed to `opened` for the caller to close.
 */
export async function findLevels(
  path: string,
  all: GeoTIFFImage[],
  size: number | null,
  opened: GeoTIFF[],
  signal?: AbortSignal,
  cacheBytes = BLOCK_CACHE_BYTES,
): Promise<Level[]> {
  const main = all[0];
  const width = main.getWidth();
  const height = main.getHeight();
  const spp = main.getSamplesPerPixel();
  const bits = main.getBitsPerSample(0);
  const cache = new BlockCache(cacheBytes);
  const reader = (image: GeoTIFFImage, key: string, bytes: number | null) => new BlockReader(image, key, cache, bytes, signal);
  const masks: BlockReader[] = [];
  const overviews: BlockReader[] = [];
  all.slice(1).forEach((image, i) => {
    const nsft = subfileType(image);
    if (nsft & 4) masks.push(reader(image, `m${i}`, size));
    else if (nsft & 1) overviews.push(reader(image, `o${i}`, size));
  });
  if (!isUrl(path)) {
    const ovr = `${path}.ovr`;
    if (overviews.length === 0 && existsSync(ovr)) {
      const t = await openTiffFile(ovr, signal);
      opened.push(t);
      const ovrSize = await fileSize(ovr);
      const ovrImages = await images(t, ovrSize);
      if (ovrSize !== null) await checkImagesInFile(ovr, ovrImages, ovrSize);
      ovrImages.forEach((image, i) => overviews.push(reader(image, `x${i}`, ovrSize)));
    }
    const msk = `${path}.msk`;
    if (masks.length === 0 && existsSync(msk)) {
      const t = await openTiffFile(msk, signal);
      opened.push(t);
      const mskSize = await fileSize(msk);
      const mskImages = await images(t, mskSize);
      if (mskSize !== null) await checkImagesInFile(msk, mskImages, mskSize);
      mskImages.forEach((image, i) => masks.push(reader(image, `k${i}`, mskSize)));
    }
  }
  const maskFor = (w: number, h: number) => masks.find((m) => m.width === w && m.height === h) ?? null;
  const fullMask = maskFor(width, height);
  const levels: Level[] = [{ reader: reader(main, 'f', size), mask: fullMask, factorX: 1, factorY: 1 }];
  for (const o of overviews) {
    if (o.samplesPerPixel !== spp || o.image.getBitsPerSample(0) !== bits) continue;
    const mask = maskFor(o.width, o.height);
    // An overview without its own mask level would lose the mask: use full resolution instead.
    if (fullMask && !mask) continue;
    levels.push({ reader: o, mask, factorX: width / o.width, factorY: height / o.height });
  }
  return levels.sort((a, b) => a.factorX - b.factorX);
}

/**
 * Every image of the file (overviews and masks too) must end inside it: an overview cut short
 * would otherwise read as zeros whenever a run happens to use it. GDAL reports these as errors.
 */
export async function checkImagesInFile(path: string, all: GeoTIFFImage[], size: number): Promise<void> {
  for (const [i, image] of all.entries()) {
    const end = await blockDataEnd(image);
    if (end > size) {
      const which = i === 0 ? 'image data' : `overview or mask data (image ${i + 1})`;
      throw new SatcountError(`${path}: truncated TIFF (${which} ends at byte ${end}, the file has ${size})`);
    }
  }
}
