import { SatcountError, SettingsError, type PixelWindow } from '../types.js';
import { TruncatedError } from './tiff/blocks.js';
import type { ReadOptions } from './types.js';

/** Just the reading options of a run's settings: what the read worker is sent and reports reopen images with. */
export function readOptions(o: ReadOptions): ReadOptions {
  return { gsd: o.gsd, bands: o.bands, stretch: o.stretch, maxMegapixels: o.maxMegapixels };
}

/** 0-based bands to show as RGB (one entry = grey) when the user gave no --bands. */
export function defaultBands(bandCount: number, alpha: number | null): number[] {
  const colour = Array.from({ length: bandCount }, (_, i) => i).filter((i) => i !== alpha);
  return colour.length >= 3 ? colour.slice(0, 3) : [colour[0] ?? 0];
}

/** Checks 1-based `--bands` against the image and returns them 0-based. */
export function resolveBands(path: string, bands: number[], bandCount: number): number[] {
  if (bands.length !== 1 && bands.length !== 3) {
    throw new SettingsError('bands', (n) => `${path}: ${n} takes 1 or 3 band numbers, got ${bands.length}`);
  }
  for (const b of bands) {
    if (!Number.isInteger(b) || b < 1 || b > bandCount) {
      throw new SettingsError('bands', (n) => `${path}: ${n} ${bands.join(',')} is out of range; the image has ${bandCount} band(s)`);
    }
  }
  return bands.map((b) => b - 1);
}

/** Refuses empty windows and windows whose read would exceed --max-megapixels. */
export function checkWindowSize(path: string, win: PixelWindow, outW: number, outH: number, maxMegapixels?: number): void {
  if (!(win.width > 0 && win.height > 0 && outW > 0 && outH > 0)) {
    throw new SatcountError(`${path}: empty window requested (${win.width}×${win.height} → ${outW}×${outH})`);
  }
  if (maxMegapixels !== undefined && win.width * win.height > maxMegapixels * 1e6) {
    throw new SettingsError('maxMegapixels', (n) => `${path}: a ${win.width}×${win.height} window is beyond ${n} ${maxMegapixels}`);
  }
}

export function megapixels(pixels: number): string {
  return String(Number((pixels / 1e6).toPrecision(3)));
}

/** GDAL_NODATA is ASCII ("0", "-9999", "nan", often NUL-terminated); null when absent or unparsable. */
export function parseNodata(text: string | undefined): number | null {
  if (text === undefined) return null;
  const t = text.replace(/\0+$/, '').trim();
  if (/^[-+]?nan$/i.test(t)) return NaN;
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/**
 * Turns whatever a decoder threw into one line naming the file. Cancellation (AbortError) passes
 * through unchanged so callers can tell an interrupt from bad input.
 */
export function describeError(path: string, err: unknown): Error {
  if (err instanceof SatcountError) return err;
  if (err instanceof Error && err.name === 'AbortError') return err;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (err instanceof TruncatedError) return new SatcountError(`${path}: truncated TIFF (${message})`);
  return new SatcountError(`${path}: cannot decode image data (${message})`);
}
