import sharp from 'sharp';
import type { RasterSource } from '../raster/types.js';
import type { Detection, Direction, PixelPoint } from '../types.js';
import { withAtomicFile } from '../io/atomic.js';

export interface OverlayRoad {
  lines: PixelPoint[][];
  /** Half-width of the searched corridor, full-resolution pixels. */
  corridorPx: number;
  queues: { direction: Direction; lines: PixelPoint[][] }[];
}

const COLOURS: Record<Direction | 'none', string> = { forward: '#ff7a00', backward: '#00c8ff', none: '#ffe000' };
const MAX_SIDE = 4000;

function pathData(lines: PixelPoint[][], k: number): string {
  return lines
    .filter((l) => l.length > 1)
    .map((l) => 'M' + l.map(([x, y]) => `${(x * k).toFixed(1)},${(y * k).toFixed(1)}`).join('L'))
    .join(' ');
}

/** The overlay's vector layer: road, corridor, queue extents and boxes coloured by direction. */
export function overlaySvg(width: number, height: number, k: number, detections: Detection[], road?: OverlayRoad): string {
  const parts: string[] = [];
  if (road) {
    const d = pathData(road.lines, k);
    parts.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-opacity="0.18" stroke-width="${(2 * road.corridorPx * k).toFixed(1)}" stroke-linecap="round" stroke-linejoin="round"/>`);
    for (const q of road.queues) {
      parts.push(`<path d="${pathData(q.lines, k)}" fill="none" stroke="${COLOURS[q.direction]}" stroke-opacity="0.22" stroke-width="${Math.max(4, 0.6 * road.corridorPx * k).toFixed(1)}"/>`);
    }
    parts.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-width="1.5" stroke-dasharray="6,4"/>`);
  }
  const stroke = Math.max(1, Math.min(2, 2 * k));
  for (const det of detections) {
    const [x1, y1, x2, y2] = det.bbox_px;
    const colour = COLOURS[det.road?.direction ?? 'none'];
    parts.push(`<rect x="${(x1 * k).toFixed(1)}" y="${(y1 * k).toFixed(1)}" width="${Math.max(1, (x2 - x1) * k).toFixed(1)}" height="${Math.max(1, (y2 - y1) * k).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Writes a PNG of the image (at most 4000 px on the long side) with the detections drawn on it. */
export async function writeOverlay(path: string, source: RasterSource, detections: Detection[], road?: OverlayRoad): Promise<void> {
  const { width, height } = source.info;
  const k = Math.min(1, MAX_SIDE / Math.max(width, height));
  const ow = Math.max(1, Math.round(width * k));
  const oh = Math.max(1, Math.round(height * k));
  const rgb = await source.readRgb({ x: 0, y: 0, width, height }, ow, oh);
  const svg = overlaySvg(ow, oh, k, detections, road);
  // Encoded straight into the temp file: one encode, and no second copy of a large PNG in memory.
  await withAtomicFile(path, async (temp) => {
    await sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: ow, height: oh, channels: 3 } })
      .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
      .png()
      .toFile(temp);
  });
}
