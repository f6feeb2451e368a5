import type { PixelBox, PixelPoint } from '../types.js';
import { orientedRect, swept, type Canvas } from './canvas.js';
import type { Polyline } from './polyline.js';
import { SHADOW, type Sun } from './sun.js';
import type { Colour, PlacedVehicle } from './traffic.js';

const GLASS: Colour = [0.07, 0.08, 0.1, 0.08];

/** A placed vehicle's footprint in pixels: centre, unit heading (front), half sizes. */
export interface Footprint {
  cx: number;
  cy: number;
  ax: number;
  ay: number;
  halfLen: number;
  halfWid: number;
}

export function footprint(v: PlacedVehicle, line: Polyline, gsd: number): Footprint {
  const st = line.at(v.s / gsd);
  const [cx, cy] = line.offsetPoint(v.s / gsd, v.offset / gsd);
  const travel = v.direction === 'forward' ? 1 : -1;
  // Pixel y points down, so a yaw to the left on the map is a clockwise turn in pixel space.
  const base = Math.atan2(st.t[1] * travel, st.t[0] * travel) + v.yaw;
  return { cx, cy, ax: Math.cos(base), ay: Math.sin(base), halfLen: v.length / 2 / gsd, halfWid: v.width / 2 / gsd };
}

/** Axis-aligned pixel box of the rotated body. */
export function footprintBox(f: Footprint): PixelBox {
  const ex = Math.abs(f.ax) * f.halfLen + Math.abs(f.ay) * f.halfWid;
  const ey = Math.abs(f.ay) * f.halfLen + Math.abs(f.ax) * f.halfWid;
  return [f.cx - ex, f.cy - ey, f.cx + ex, f.cy + ey];
}

export function footprintCentre(f: Footprint): PixelPoint {
  return [f.cx, f.cy];
}

export function paintVehicleShadow(c: Canvas, v: PlacedVehicle, f: Footprint, sun: Sun, gsd: number): void {
  const shape = orientedRect(f.cx, f.cy, f.ax, f.ay, f.halfLen, f.halfWid, 0.3 / gsd);
  // Bodies taper towards the roof, so the shadow reaches past the footprint by less than the height.
  const s = swept(shape, sun.shadow[0] * v.height * 0.6, sun.shadow[1] * v.height * 0.6);
  c.shade(s.box, s.sdf, SHADOW, 0.75);
}

/** Body, roof, windscreen and rear window (cars, vans) or cab and trailer (trucks), seen from above. */
export function paintVehicle(c: Canvas, v: PlacedVehicle, f: Footprint, gsd: number): void {
  const radius = (v.cls === 'truck' ? 0.15 : 0.35) / gsd;
  const shape = orientedRect(f.cx, f.cy, f.ax, f.ay, f.halfLen, f.halfWid, radius);
  const L = v.length;
  c.fill(shape.box, shape.sdf, (x, y) => {
    const dx = x - f.cx;
    const dy = y - f.cy;
    const u = (dx * f.ax + dy * f.ay) * gsd; // metres forward of the centre
    const w = Math.abs(-dx * f.ay + dy * f.ax) * gsd; // metres from the long axis
    const edge = 1 - 0.22 * (w / (v.width / 2)) ** 4 - 0.1 * (Math.abs(u) / (L / 2)) ** 6;
    const front = L / 2 - u; // metres back from the front bumper
    let colour = v.body;
    let k = edge;
    const glassWidth = v.width / 2 - 0.18;
    if (v.cls === 'car') {
      if (front > 1.05 && front < 1.8 && w < glassWidth) colour = GLASS;
      else if (front > L - 1.35 && front < L - 0.85 && w < glassWidth - 0.05) colour = GLASS;
      else if (front >= 1.8 && front <= L - 1.35) k *= 1.05;
    } else if (v.cls === 'van') {
      if (front > 0.55 && front < 1.25 && w < glassWidth) colour = GLASS;
      else if (front >= 1.25) k *= 1.06;
    } else {
      if (front < 0.25 && w < glassWidth) colour = GLASS;
      else if (front < 2.3) colour = v.cab;
      else if (front < 2.65) colour = GLASS;
      else k *= 1 + 0.03 * Math.sin((u * 2 * Math.PI) / 0.6);
    }
    return [colour[0] * k, colour[1] * k, colour[2] * k, colour[3] * k];
  });
}

/** Fraction of the footprint hidden under trees, cloud or nodata (the canvas occlusion map). */
export function occludedFraction(c: Canvas, f: Footprint): number {
  const shape = orientedRect(f.cx, f.cy, f.ax, f.ay, f.halfLen, f.halfWid);
  let sum = 0;
  let n = 0;
  const [x0, y0, x1, y1] = shape.box;
  for (let y = Math.max(0, Math.floor(y0)); y <= Math.min(c.height - 1, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x <= Math.min(c.width - 1, Math.ceil(x1)); x++) {
      const k = c.at(x, y);
      if (k < 0 || shape.sdf(x + 0.5, y + 0.5) > 0) continue;
      sum += c.cover[k];
      n++;
    }
  }
  return n === 0 ? 1 : sum / n;
}
