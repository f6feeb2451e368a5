import type { TypedArray } from 'geotiff';
import type { Georef, PixelWindow, RasterInfo, RgbImage } from '../types.js';
import type { TimeTags } from './acquired.js';
import type { StretchMode } from './stretch.js';

/** What every image reader is opened with and gives back, apart from openRaster, which picks the reader. */

export interface OpenOptions {
  /** Metres per pixel; required for images without georeferencing, overrides the file's otherwise. */
  gsd?: number;
  /** Bands to show as R, G, B (1-based; one band = grey). Default: the first three colour bands. */
  bands?: number[];
  /** How >8-bit bands are stretched to 8 bits (stretch.ts); default per-band. */
  stretch?: StretchMode;
  /** Open images with no known pixel size (gsd_m null) instead of refusing them (`satcount info`). */
  allowNoGsd?: boolean;
  /** Refuse images (and single window reads) larger than this. */
  maxMegapixels?: number;
  /**
   * Bytes of decoded TIFF blocks kept for the windows that share them (neighbouring tiles overlap
   * and straddle blocks); default BLOCK_CACHE_BYTES. 0 decodes a block again for every window.
   */
  blockCacheBytes?: number;
  signal?: AbortSignal;
}

/** The options that decide the pixels a read gives, as runs pass them on to every reader of their images. */
export type ReadOptions = Pick<OpenOptions, 'gsd' | 'bands' | 'stretch' | 'maxMegapixels'>;

export interface RasterSource {
  info: RasterInfo;
  georef: Georef | null;
  /** Things the user should be told once (e.g. "no georeferencing", "GCPs fitted"). */
  notes: string[];
  /** Shown as grey: one band (panchromatic, or --bands with one number) and no colour palette. */
  grey: boolean;
  /** How the shown bands are stretched to 8 bits; null where samples map directly (8-bit, palette, YCbCr, PNG/JPEG). */
  stretch: StretchMode | null;
  /** Reads full-res window `win` (clipped to the image; parts outside are invalid), resampled to outW×outH, as 8-bit RGB + validity. */
  readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage>;
  /**
   * Raw samples of every band of a full-resolution window (TIFF only; tests and diagnostics),
   * with validity as readRgb computes it. Parts outside the image are 0 and invalid.
   */
  readSamples?(win: PixelWindow): Promise<{ arrays: TypedArray[]; valid: Uint8Array }>;
  /** The tags that can say when the image was taken (TIFF only), read from the open file. */
  readTimeTags?(): Promise<TimeTags>;
  /** A mosaic's images and where each sits in its pixel grid (see mosaic.ts); absent for one image. */
  parts?: { path: string; x0: number; y0: number; width: number; height: number }[];
  close(): Promise<void>;
}
