import type Proj4 from 'proj4';
import { requireCommonJs } from './commonjs.js';

/** proj4, loaded with require (see commonjs.ts). */
export const proj4: typeof Proj4 = requireCommonJs('proj4');
