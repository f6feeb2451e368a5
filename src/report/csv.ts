import type { Detection } from '../types.js';

const HEADER = [
  'id', 'class', 'score', 'x1', 'y1', 'x2', 'y2', 'center_x', 'center_y',
  'crs_x', 'crs_y', 'lon', 'lat', 'chainage_m', 'offset_m', 'direction', 'lane',
];

/** Quotes a CSV field when it needs it (RFC 4180). */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return values.map(csvField).join(',');
}

/** One row per detection; empty cells where a coordinate space or road placement is unknown. */
export function detectionsCsv(detections: Detection[]): string {
  const rows = detections.map((d) =>
    csvRow([
      d.id, d.class, d.score, ...d.bbox_px, ...d.center_px,
      d.center_crs?.[0], d.center_crs?.[1], d.lonlat?.[0], d.lonlat?.[1],
      d.road?.chainage_m, d.road?.offset_m, d.road?.direction, d.road?.lane,
    ]),
  );
  return [HEADER.join(','), ...rows].join('\n') + '\n';
}
