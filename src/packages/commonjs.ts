import { createRequire } from 'node:module';

/**
 * `require` for the CommonJS packages on the count path. Imported with `import`, Node's ESM loader
 * first scans a CommonJS package's whole source for its named exports (cjs-module-lexer): ~50 ms of
 * every count's start-up for proj4's 317 kB build, ~15 ms for onnxruntime-node, measured in fresh
 * processes (import against require after the same warm-up).
 */
export const requireCommonJs = createRequire(import.meta.url);
