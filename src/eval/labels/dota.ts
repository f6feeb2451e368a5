import { SatcountError } from '../../types.js';
import type { ImageLabels } from '../types.js';

/**
 * Parses a DOTA labelTxt file: optional header lines `imagesource:…` and `gsd:…`, then one object
 * per line, `x1 y1 x2 y2 x3 y3 x4 y4 class difficult`, an oriented quadrilateral in pixels.
 * Evaluation is axis-aligned, so each quad becomes its bounding box.
 *
 * @example parseDota('gsd:0.3\n10 10 20 10 20 14 10 14 small-vehicle 0')
 *   // → { gsd_m: 0.3, boxes: [{ box: [10, 10, 20, 14], className: 'small-vehicle', difficult: false }] }
 */
export function parseDota(text: string, source = 'DOTA labels'): ImageLabels {
  const out: ImageLabels = { boxes: [], gsd_m: null };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source} line ${i + 1}`;
    const header = /^([a-z_]+)\s*:\s*(.*)$/i.exec(line);
    if (header) {
      if (header[1].toLowerCase() === 'gsd') out.gsd_m = parseGsd(header[2], where);
      return;
    }
    const fields = line.split(/\s+/);
    const coords = fields.slice(0, 8).map(Number);
    if (fields.length < 9 || coords.some((v) => !Number.isFinite(v))) {
      throw new SatcountError(`${where}: expected "x1 y1 x2 y2 x3 y3 x4 y4 class difficult", found "${line}"`);
    }
    const xs = [coords[0], coords[2], coords[4], coords[6]];
    const ys = [coords[1], coords[3], coords[5], coords[7]];
    const box: [number, number, number, number] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    if (!(box[2] > box[0] && box[3] > box[1])) throw new SatcountError(`${where}: quadrilateral has no area`);
    out.boxes.push({ box, className: fields[8], difficult: fields[9] === '1' });
  });
  return out;
}

function parseGsd(value: string, where: string): number | null {
  // DOTA writes `gsd:null` (or None) for images whose pixel size is unknown.
  if (/^(null|none|nan)?$/i.test(value.trim())) return null;
  const gsd = Number(value);
  if (!(gsd > 0)) throw new SatcountError(`${where}: gsd must be a positive number of metres, found "${value}"`);
  return gsd;
}
