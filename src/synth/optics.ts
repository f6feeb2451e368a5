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
 * What a satellite adds (optics/sensor.ts): optical blur, sensor noise, then quantisation; 8-bit
 * RGB also goes through the sensor's JPEG round trip, as most delivered 8-bit products have. The
 * noise here grows with brightness (scenes are rendered in 0..1 before quantisation).
 * 16-bit scenes map display values to 12-bit-like DNs (about 80..3500) with an NIR fourth band.
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
      const dn = 80 + 3400 * v * v;
      // Read noise plus a little shot noise, in digital numbers.
      data[i * 4 + ch] = nodata[i] ? 0 : Math.max(1, Math.min(65535, Math.round(dn + normalAt(seed, noiseIndex(i, ch)) * (2 + 0.002 * dn))));
    }
  }
  return { width: w, height: h, bands: 4, dtype: 'uint16', nodata: 0, data };
}
