import sharp from 'sharp';
import type { RasterSource } from '../../raster/open.js';
import type { ReportImage } from './report.js';

/**
 * Longest side of a report's picture. 4096 px of JPEG keeps a 40,000² scene's page near 5 MB
 * (the detections are drawn over it at full resolution, so zooming in still shows every box).
 */
export const REPORT_MAX_SIDE = 4096;

/**
 * The whole image read once at reduced size (from an overview where the file has one) and
 * encoded as JPEG: photographs of the ground compress ten times better than as PNG.
 */
export async function reportImage(source: RasterSource, maxSide = REPORT_MAX_SIDE): Promise<ReportImage> {
  const { width, height } = source.info;
  const k = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * k));
  const h = Math.max(1, Math.round(height * k));
  const rgb = await source.readRgb({ x: 0, y: 0, width, height }, w, h);
  const data = await sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 80, mozjpeg: true })
    .toBuffer();
  return { mime: 'image/jpeg', data, width: w, height: h };
}
