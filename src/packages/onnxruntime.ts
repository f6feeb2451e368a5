import type * as Ort from 'onnxruntime-node';
import { requireCommonJs } from './commonjs.js';

/** onnxruntime-node, loaded with require (see commonjs.ts). */
export const ort: typeof Ort = requireCommonJs('onnxruntime-node');
