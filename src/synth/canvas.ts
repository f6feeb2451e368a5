import type { Colour } from './traffic.js';

/** Signed distance in pixels from a pixel centre to a shape's edge, negative inside. */
export type Sdf = (x: number, y: number) => number;
export type Box = [x0: number, y0: number, x1: number, y1: number];

/** A window of the scene in its pixel grid. */
export interface Window {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

/**
 * A float RGBN raster (display-space reflectance 0..1, 4 channels interleaved) plus an occlusion
 * map recording how much of each pixel hides the ground (trees, cloud, nodata), over one window
 * of a `width` × `height` scene (the whole scene by default). Painters work in scene pixels and
 * are clipped to the window, so a large scene renders strip by strip with the same pixels.
 */
export class Canvas {
  readonly px: Float32Array;
  readonly cover: Float32Array;
  readonly win: Window;

  constructor(
    readonly width: number,
    readonly height: number,
    win?: Window,
  ) {
    this.win = win ?? { x0: 0, y0: 0, w: width, h: height };
    this.px = new Float32Array(this.win.w * this.win.h * 4);
    this.cover = new Float32Array(this.win.w * this.win.h);
  }

  /** Index of scene pixel (x, y) in the window's arrays, or -1 outside the window. */
  at(x: number, y: number): number {
    const lx = x - this.win.x0;
    const ly = y - this.win.y0;
    return lx < 0 || ly < 0 || lx >= this.win.w || ly >= this.win.h ? -1 : ly * this.win.w + lx;
  }

  /** Paints a shape with anti-aliased edges; `paint` gets the pixel centre. */
  fill(box: Box, sdf: Sdf, paint: (x: number, y: number) => Colour, opacity = 1, occludes = false): void {
    this.each(box, sdf, (i, a, x, y) => {
      const c = paint(x, y);
      const k = a * opacity;
      const p = i * 4;
      for (let ch = 0; ch < 4; ch++) this.px[p + ch] += (c[ch] - this.px[p + ch]) * k;
      if (occludes) this.cover[i] = Math.max(this.cover[i], k);
    });
  }

  /** Multiplies the pixels under a shape by `factor` (shadows). */
  shade(box: Box, sdf: Sdf, factor: Colour, opacity = 1): void {
    this.each(box, sdf, (i, a) => {
      const p = i * 4;
      for (let ch = 0; ch < 4; ch++) this.px[p + ch] *= 1 - (1 - factor[ch]) * a * opacity;
    });
  }

  private each(box: Box, sdf: Sdf, fn: (i: number, coverage: number, x: number, y: number) => void): void {
    const { x0: wx, y0: wy, w, h } = this.win;
    const x0 = Math.max(wx, Math.floor(box[0]));
    const y0 = Math.max(wy, Math.floor(box[1]));
    const x1 = Math.min(wx + w - 1, Math.ceil(box[2]));
    const y1 = Math.min(wy + h - 1, Math.ceil(box[3]));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const cx = x + 0.5;
        const cy = y + 0.5;
        const a = Math.max(0, Math.min(1, 0.5 - sdf(cx, cy)));
        if (a > 0) fn((y - wy) * w + (x - wx), a, cx, cy);
      }
    }
  }
}

/** Rounded rectangle centred at (cx, cy), long axis along unit vector (ax, ay); sizes in pixels. */
export function orientedRect(cx: number, cy: number, ax: number, ay: number, halfLen: number, halfWid: number, radius = 0): { sdf: Sdf; box: Box } {
  const r = Math.min(radius, halfLen, halfWid);
  const sdf: Sdf = (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const qu = Math.abs(dx * ax + dy * ay) - halfLen + r;
    const qv = Math.abs(-dx * ay + dy * ax) - halfWid + r;
    return Math.hypot(Math.max(qu, 0), Math.max(qv, 0)) + Math.min(Math.max(qu, qv), 0) - r;
  };
  const ex = Math.abs(ax) * halfLen + Math.abs(ay) * halfWid + 1;
  const ey = Math.abs(ay) * halfLen + Math.abs(ax) * halfWid + 1;
  return { sdf, box: [cx - ex, cy - ey, cx + ex, cy + ey] };
}

/** The union of a shape swept along (dx, dy): the shadow a shape of some height casts. */
export function swept(shape: { sdf: Sdf; box: Box }, dx: number, dy: number): { sdf: Sdf; box: Box } {
  const steps = Math.max(1, Math.ceil(Math.hypot(dx, dy) / 1.5));
  const sdf: Sdf = (x, y) => {
    let d = Infinity;
    for (let k = 0; k <= steps; k++) d = Math.min(d, shape.sdf(x - (dx * k) / steps, y - (dy * k) / steps));
    return d;
  };
  const [x0, y0, x1, y1] = shape.box;
  return { sdf, box: [Math.min(x0, x0 + dx), Math.min(y0, y0 + dy), Math.max(x1, x1 + dx), Math.max(y1, y1 + dy)] };
}

/** Separable Gaussian blur of all four channels in place (edges clamp: windows keep a margin). */
export function gaussianBlur(c: Canvas, sigma: number): void {
  const radius = Math.ceil(sigma * 3);
  const k: number[] = [];
  for (let i = -radius; i <= radius; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const w = k.map((v) => v / sum);
  const tmp = new Float32Array(c.px.length);
  const { w: W, h: H } = c.win;
  const pass = (src: Float32Array, dst: Float32Array, horizontal: boolean) => {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let ch = 0; ch < 4; ch++) {
          let acc = 0;
          for (let i = -radius; i <= radius; i++) {
            const xx = horizontal ? Math.min(W - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(H - 1, Math.max(0, y + i));
            acc += w[i + radius] * src[(yy * W + xx) * 4 + ch];
          }
          dst[(y * W + x) * 4 + ch] = acc;
        }
      }
    }
  };
  pass(c.px, tmp, true);
  pass(tmp, c.px, false);
}
