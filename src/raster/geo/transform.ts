import type { GeoTransform } from '../../types.js';

/** The georeferencing tags of a TIFF, as plain numbers. */
export interface TransformTags {
  modelPixelScale?: ArrayLike<number>;
  modelTiepoint?: ArrayLike<number>;
  modelTransformation?: ArrayLike<number>;
  /** GTRasterTypeGeoKey 2: coordinates refer to pixel centres. */
  pixelIsPoint: boolean;
}

export type TransformResult =
  | { kind: 'affine'; geoTransform: GeoTransform }
  | { kind: 'gcp'; geoTransform: GeoTransform; gcpCount: number; rmsPixels: number }
  | { kind: 'none' };

/**
 * GDAL-compatible geotransform from ModelTiepoint + ModelPixelScale, ModelTransformation, or a
 * least-squares affine fit to ground control points (several tiepoints and no scale).
 */
export function geoTransformFromTags(tags: TransformTags): TransformResult {
  const { modelPixelScale: scale, modelTiepoint: tie, modelTransformation: m } = tags;
  let gt: GeoTransform | null = null;
  if (tie && tie.length >= 6 && scale && scale.length >= 2) {
    const [i, j, , x, y] = [tie[0], tie[1], tie[2], tie[3], tie[4]];
    gt = [x - i * scale[0], scale[0], 0, y + j * scale[1], 0, -scale[1]];
  } else if (m && m.length >= 16) {
    gt = [m[3], m[0], m[1], m[7], m[4], m[5]];
  } else if (tie && tie.length >= 18) {
    const fit = fitAffine(tie);
    if (fit) {
      return {
        kind: 'gcp',
        geoTransform: shiftForPixelIsPoint(fit.geoTransform, tags.pixelIsPoint),
        gcpCount: tie.length / 6,
        rmsPixels: fit.rmsPixels,
      };
    }
  }
  if (!gt) return { kind: 'none' };
  return { kind: 'affine', geoTransform: shiftForPixelIsPoint(gt, tags.pixelIsPoint) };
}

/** GDAL moves the origin by half a pixel for PixelIsPoint files; so do we, to agree with it. */
function shiftForPixelIsPoint(gt: GeoTransform, pixelIsPoint: boolean): GeoTransform {
  if (!pixelIsPoint) return gt;
  return [gt[0] - 0.5 * gt[1] - 0.5 * gt[2], gt[1], gt[2], gt[3] - 0.5 * gt[4] - 0.5 * gt[5], gt[4], gt[5]];
}

/** Solves the 3×3 system A·v = b by Cramer's rule; null when A is singular. */
function solve3(a: number[][], b: number[]): [number, number, number] | null {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(a);
  if (Math.abs(d) < 1e-12 * Math.max(1, Math.abs(a[0][0] * a[1][1] * a[2][2]))) return null;
  const col = (k: number) => a.map((row, r) => row.map((v, c) => (c === k ? b[r] : v)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

/**
 * Least-squares affine from tiepoints [i, j, k, x, y, z, …] (≥ 3 points, not collinear).
 * `rmsPixels` is the misfit expressed in pixels of the fitted transform.
 */
export function fitAffine(tie: ArrayLike<number>): { geoTransform: GeoTransform; rmsPixels: number } | null {
  const n = Math.floor(tie.length / 6);
  if (n < 3) return null;
  // Centre the pixel coordinates so the normal equations stay well conditioned.
  let ci = 0;
  let cj = 0;
  for (let p = 0; p < n; p++) {
    ci += tie[p * 6] / n;
    cj += tie[p * 6 + 1] / n;
  }
  const ata = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const atx = [0, 0, 0];
  const aty = [0, 0, 0];
  for (let p = 0; p < n; p++) {
    const row = [1, tie[p * 6] - ci, tie[p * 6 + 1] - cj];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) ata[r][c] += row[r] * row[c];
      atx[r] += row[r] * tie[p * 6 + 3];
      aty[r] += row[r] * tie[p * 6 + 4];
    }
  }
  const cx = solve3(ata, atx);
  const cy = solve3(ata, aty);
  if (!cx || !cy) return null;
  const gt: GeoTransform = [cx[0] - cx[1] * ci - cx[2] * cj, cx[1], cx[2], cy[0] - cy[1] * ci - cy[2] * cj, cy[1], cy[2]];
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  if (det === 0) return null;
  let sq = 0;
  for (let p = 0; p < n; p++) {
    const dx = tie[p * 6 + 3] - (gt[0] + tie[p * 6] * gt[1] + tie[p * 6 + 1] * gt[2]);
    const dy = tie[p * 6 + 4] - (gt[3] + tie[p * 6] * gt[4] + tie[p * 6 + 1] * gt[5]);
    // Back to pixel units through the inverse of the linear part.
    const di = (gt[5] * dx - gt[2] * dy) / det;
    const dj = (-gt[4] * dx + gt[1] * dy) / det;
    sq += di * di + dj * dj;
  }
  return { geoTransform: gt, rmsPixels: Math.sqrt(sq / n) };
}

export function pixelToCrsWith(gt: GeoTransform, col: number, row: number): [number, number] {
  return [gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]];
}

export function crsToPixelWith(gt: GeoTransform, x: number, y: number): [number, number] {
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  const dx = x - gt[0];
  const dy = y - gt[3];
  return [(gt[5] * dx - gt[2] * dy) / det, (-gt[4] * dx + gt[1] * dy) / det];
}
