import { gaussianBlur, type Canvas } from './canvas.js';
import type { SynthBands } from './options.js';
import { normalAt } from '../random/prng.js';
import { jpegRoundTrip, SENSOR } from '../optics/sensor.js';

/** Final pixels of a scene (or of the canvas window rendered): pixel-interleaved bands, 0 reserved for nodata. */
export interface SceneRaster {
  width: number;
  height: number;
  bands: number;
  dtype: 'uint8' | 'uint16';
  nodata: number;
  data: Uint8Array | Uint16Array;
}

/**
 * Digital numbers of a 16-bit scene per band (R, G, B, NIR): offset + gain · v² of the display
 * value v. As in real products (WorldView-3's 11-bit Shanghai tile: blue's 2 % floor 260 against
 * red's 155, green the highest numbers), path radiance lifts blue's offset and green has the
 * highest gain. Every band stays under 4096, as a 12-bit sensor's.
 */
const DN_BANDS = [
  { offset: 110, gain: 2500 },
  { offset: 180, gain: 3700 },
  { offset: 420, gain: 2100 },
  { offset: 80, gain: 3400 },
] as const;
const MAX_DN = 4095;

/**
 * What a satellite adds (optics/sensor.ts): optical blur, sensor noise, then quantisation; 8-bit
 * RGB also goes through the sensor's JPEG round trip, as most delivered 8-bit products have. The
 * noise here grows with brightness (scenes are rendered in 0..1 before quantisation).
 * 16-bit scenes are 12-bit-like DNs with an NIR fourth band and a gain and offset of their own
 * per band (DN_BANDS), so they look like a real product: one stretch shared by R, G and B shows a
 * green cast with lifted blue shadows, and a stretch of each band over its own range (vendors'
 * dynamic range adjustment, the reader's default) takes the cast away. (In a scene mostly of one
 * land cover it shifts the balance a little itself: the rgbn16 fixture's dry grass turns its road
 * blue-grey.)
 */
export async function applyOptics(c: Canvas, bands: SynthBands, nodata: Uint8Array, seed: number): Promise<SceneRaster> {
  gaussianBlur(c, SENSOR.blurSigma_px);
  const { x0, y0, w, h } = c.win;
  const n = w * h;
  // Noise is keyed by the scene pixel (and channel), so windows of one scene draw the same noise.
  const noiseIndex = (i: number, ch: number) => ((y0 + Math.floor(i / w)) * c.width + x0 + (i % w)) * 4 + ch;
  if (bands === 'rgb') {
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < 4; ch++) c.px[i * 4 + ch] += normalAt(seed, noiseIndex(i, ch)) * (0.004 + 0.008 * Math.max(0, c.px[i * 4 + ch]));
    }
    let data: Uint8Array = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < 3; ch++) data[i * 3 + ch] = Math.max(1, Math.min(255, Math.round(c.px[i * 4 + ch] * 255)));
    }
    data = await jpegRoundTrip(data, w, h);
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < 3; ch++) data[i * 3 + ch] = nodata[i] ? 0 : Math.max(1, data[i * 3 + ch]);
    }
    return { width: w, height: h, bands: 3, dtype: 'uint8', nodata: 0, data };
  }
  const data = new Uint16Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 4; ch++) {
      const v = Math.max(0, c.px[i * 4 + ch]);
      const dn = DN_BANDS[ch].offset + DN_BANDS[ch].gain * v * v;
      // Read noise plus a little shot noise, in digital numbers.
      data[i * 4 + ch] = nodata[i] ? 0 : Math.max(1, Math.min(MAX_DN, Math.round(dn + normalAt(seed, noiseIndex(i, ch)) * (2 + 0.002 * dn))));
    }
  }
  return { width: w, height: h, bands: 4, dtype: 'uint16', nodata: 0, data };
}
