import type { RasterSource } from '../raster/types.js';
import type { Detection, Direction, PixelPoint } from '../types.js';
import { DIRECTION_COLOURS, OFF_ROAD_COLOUR } from './colours.js';

export interface OverlayRoad {
  lines: PixelPoint[][];
  /** Half-width of the searched corridor, full-resolution pixels. */
  corridorPx: number;
  queues: { direction: Direction; lines: PixelPoint[][] }[];
}

const COLOURS: Record<Direction | 'none', string> = { ...DIRECTION_COLOURS, none: OFF_ROAD_COLOUR };
const MAX_SIDE = 4000;
/** Images smaller than this on their long side are drawn larger: a 438 px tile's boxes are unreadable at 1:1. */
const MIN_SIDE = 1200;
const MAX_UPSCALE = 4;

function pathData(lines: PixelPoint[][], k: number): string {
  return lines
    .filter((l) => l.length > 1)
    .map((l) => 'M' + l.map(([x, y]) => `${(x * k).toFixed(1)},${(y * k).toFixed(1)}`).join('L'))
    .join(' ');
}

/** The overlay's vector layer: road, corridor, queue extents and boxes coloured by direction. */
export function overlaySvg(width: number, height: number, k: number, detections: Detection[], road?: OverlayRoad, title?: string): string {
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
  parts.push(legend(road !== undefined, title));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Title and colour key in the top-left corner, on a dark band so they read on any image. */
function legend(withRoad: boolean, title: string | undefined): string {
  const keys: [string, string][] = withRoad ? [[DIRECTION_COLOURS.forward, 'forward'], [DIRECTION_COLOURS.backward, 'backward'], [OFF_ROAD_COLOUR, 'off road']] : [[OFF_ROAD_COLOUR, 'vehicle']];
  const font = 'font-family="DejaVu Sans, sans-serif" font-size="13" fill="#fff"';
  const top = title ? 22 : 4;
  const items = keys.map(([colour, label], i) => {
    const x = 8 + i * 100;
    return `<rect x="${x}" y="${top + 4}" width="12" height="12" fill="none" stroke="${colour}" stroke-width="2"/><text x="${x + 18}" y="${top + 15}" ${font}>${label}</text>`;
  });
  const heading = title ? `<text x="8" y="17" ${font} font-weight="bold">${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>` : '';
  const width = Math.max(keys.length * 100 + 8, title ? title.length * 8 + 16 : 0);
  return `<rect x="0" y="0" width="${width}" height="${top + 22}" fill="#000" fill-opacity="0.55"/>${heading}${items.join('')}`;
}

/** Writes a PNG of the image (at most 4000 px on the long side) with the detections drawn on it, at `path` as given (writeOutputs makes it atomic). */
export async function writeOverlay(path: string, source: RasterSource, detections: Detection[], road?: OverlayRoad, title?: string): Promise<void> {
  const { width, height } = source.info;
  const side = Math.max(width, height);
  const k = side > MAX_SIDE ? MAX_SIDE / side : Math.max(1, Math.min(MAX_UPSCALE, MIN_SIDE / side));
  const ow = Math.max(1, Math.round(width * k));
  const oh = Math.max(1, Math.round(height * k));
  const rgb = await source.readRgb({ x: 0, y: 0, width, height }, ow, oh);
  const svg = overlaySvg(ow, oh, k, detections, road, title);
  const { default: sharp } = await import('sharp');
  // Encoded straight into the file: one encode, and no second copy of a large PNG in memory.
  await sharp(Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength), { raw: { width: ow, height: oh, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toFile(path);
}
