// Milliseconds per 512x512 tile of several models, measured alternately in one process so that
// a busy machine slows them alike:  node training/bench_models.mjs <a.onnx> <b.onnx> [rounds]
// Needs the built CLI (npm run build). Prints the median of each model's per-tile session time.
import { loadModel } from '../dist/detect/model.js';

const args = process.argv.slice(2);
const rounds = Number(/^\d+$/.test(args.at(-1)) ? args.pop() : 8);
const size = 512;
const rgb = new Uint8Array(size * size * 3);
for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 2654435761) >>> 24;
const detectors = await Promise.all(args.map((p) => loadModel(p, { threads: 2 })));
const times = detectors.map(() => []);
for (const d of detectors) await d.detect(rgb, size, size); // warm-up
for (let r = 0; r < rounds; r++) {
  for (const [k, d] of detectors.entries()) {
    for (let i = 0; i < 5; i++) {
      const before = d.sessionSeconds();
      await d.detect(rgb, size, size);
      times[k].push((d.sessionSeconds() - before) * 1000);
    }
  }
}
for (const [k, d] of detectors.entries()) {
  const t = times[k].sort((a, b) => a - b);
  console.log(JSON.stringify({ model: args[k], version: d.info.name, tiles: t.length, median_ms: +t[t.length >> 1].toFixed(2), min_ms: +t[0].toFixed(2) }));
  await d.close();
}
