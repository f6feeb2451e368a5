import sharp, { type Metadata, type Sharp } from 'sharp';
import { SatcountError, SettingsError, type PixelWindow, type RasterInfo, type RgbImage } from '../../types.js';
import { checkWindowSize, describeError, megapixels, resolveBands } from '../common.js';
import type { OpenOptions, RasterSource } from '../types.js';
import { resampleRgb } from '../resample.js';

/** Images up to this size are decoded once and kept; larger ones are decoded per window. */
const WHOLE_DECODE_PIXELS = 40e6;

/**
 * Opens a PNG or JPEG (no georeferencing; `opts.gsd` is required) for windowed RGB reads.
 * sharp's pixel limit is lifted on purpose: the size check is ours (--max-megapixels).
 */
export async function openPlainImage(path: string, format: 'png' | 'jpeg', opts: OpenOptions): Promise<RasterSource> {
  const input = (): Sharp => sharp(path, { limitInputPixels: false, failOn: 'error' });
  let meta: Metadata;
  try {
    meta = await input().metadata();
  } catch (err) {
    throw new SatcountError(`${path}: not a readable ${format.toUpperCase()} (${(err as Error).message.split('\n')[0]})`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!(width > 0 && height > 0)) throw new SatcountError(`${path}: image has zero width or height (${width}×${height})`);
  if (opts.maxMegapixels !== undefined && width * height > opts.maxMegapixels * 1e6) {
    throw new SettingsError('maxMegapixels', (n) => `${path}: image is ${megapixels(width * height)} megapixels, beyond ${n} ${opts.maxMegapixels}`);
  }
  if (opts.gsd === undefined && !opts.allowNoGsd) throw new SettingsError('gsd', (n) => `${path}: has no georeferencing; pass ${n} <metres per pixel>`);
  const channels = meta.channels ?? 3;
  const hasAlpha = meta.hasAlpha ?? false;
  const colourBands = hasAlpha ? channels - 1 : channels;
  // sRGB conversion turns grey into three equal channels, so bands are chosen among R, G, B.
  const bands = opts.bands ? resolveBands(path, opts.bands, colourBands) : [0, 1, 2];
  const pick = bands.length === 1 ? [bands[0], bands[0], bands[0]] : colourBands === 1 ? [0, 0, 0] : bands;

  const info: RasterInfo = {
    path,
    format,
    width,
    height,
    bands: channels,
    dtype: meta.depth === 'ushort' ? 'uint16' : 'uint8',
    crs: null,
    crsProj4: null,
    geoTransform: null,
    gsd_m: opts.gsd ?? null,
    georeferenced: false,
    nodata: null,
    tiled: false,
    blockWidth: width,
    blockHeight: height,
    overviews: 0,
    alphaBand: hasAlpha ? channels - 1 : null,
    hasMask: false,
  };

  /** RGBA, 8 bits per sample, of an image rectangle. */
  const decodeRegion = async (left: number, top: number, w: number, h: number): Promise<Buffer> => {
    let img = input().toColourspace('srgb').ensureAlpha(1);
    if (left !== 0 || top !== 0 || w !== width || h !== height) img = img.extract({ left, top, width: w, height: h });
    return img.raw({ depth: 'uchar' }).toBuffer();
  };
  let whole: Promise<Buffer> | null = null;
  const region = async (left: number, top: number, w: number, h: number): Promise<{ data: Buffer; stride: number; x: number; y: number }> => {
    if (width * height <= WHOLE_DECODE_PIXELS) {
      whole ??= decodeRegion(0, 0, width, height);
      return { data: await whole, stride: width, x: left, y: top };
    }
    return { data: await decodeRegion(left, top, w, h), stride: w, x: 0, y: 0 };
  };

  return {
    info,
    georef: null,
    grey: pick[0] === pick[1] && pick[1] === pick[2],
    // sharp hands over 8 bits (16-bit PNGs scaled by it), so nothing is stretched.
    stretch: null,
    notes: [`${path}: no georeferencing; outputs carry pixel coordinates only (--gsd ${opts.gsd ?? 'not given'} m)`],
    async readRgb(win: PixelWindow, outW: number, outH: number): Promise<RgbImage> {
      checkWindowSize(path, win, outW, outH, opts.maxMegapixels);
      opts.signal?.throwIfAborted();
      try {
        const wx = Math.floor(win.x);
        const wy = Math.floor(win.y);
        const cw = Math.ceil(win.x + win.width) - wx;
        const ch = Math.ceil(win.y + win.height) - wy;
        const rgb = new Uint8Array(cw * ch * 3);
        const valid = new Uint8Array(cw * ch);
        const x0 = Math.max(0, wx);
        const y0 = Math.max(0, wy);
        const x1 = Math.min(width, wx + cw);
        const y1 = Math.min(height, wy + ch);
        if (x1 > x0 && y1 > y0) {
          const src = await region(x0, y0, x1 - x0, y1 - y0);
          for (let y = y0; y < y1; y++) {
            let s = ((y - y0 + src.y) * src.stride + src.x) * 4;
            let o = (y - wy) * cw + (x0 - wx);
            for (let x = x0; x < x1; x++, s += 4, o++) {
              if (src.data[s + 3] === 0) continue;
              valid[o] = 1;
              rgb[o * 3] = src.data[s + pick[0]];
              rgb[o * 3 + 1] = src.data[s + pick[1]];
              rgb[o * 3 + 2] = src.data[s + pick[2]];
            }
          }
        }
        return await resampleRgb(
          { width: cw, height: ch, data: rgb, valid: valid.every((v) => v === 1) ? null : valid },
          { offsetX: win.x - wx, offsetY: win.y - wy, stepX: win.width / outW, stepY: win.height / outH },
          outW,
          outH,
        );
      } catch (err) {
        throw describeError(path, err);
      }
    },
    async close() {
      whole = null;
    },
  };
}
