import { basename } from 'node:path';
import type { GeoTransform } from '../types.js';

/** One vendor-style tile of a scene: its file name and where it sits in the scene's pixel grid. */
export interface SceneTile {
  file: string;
  /** R1C1, R1C2, …: row and column, 1-based, as vendors name them. */
  name: string;
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * Cuts a width × height scene into cols × rows tiles that overlap by `overlap` pixels (each tile
 * reaches overlap/2 past the even cut on both sides), named `<stem>_R<r>C<c>.tif`.
 *
 * @example tileGrid('/out/scene', 70000, 1500, 3, 1, 256)
 */
export function tileGrid(stem: string, width: number, height: number, cols: number, rows: number, overlap: number): SceneTile[] {
  const cuts = (n: number, k: number) => Array.from({ length: k + 1 }, (_, i) => Math.round((i * n) / k));
  const xs = cuts(width, cols);
  const ys = cuts(height, rows);
  const half = Math.floor(overlap / 2);
  const out: SceneTile[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x0 = Math.max(0, xs[c] - half);
      const y0 = Math.max(0, ys[r] - half);
      const x1 = Math.min(width, xs[c + 1] + half);
      const y1 = Math.min(height, ys[r + 1] + half);
      const name = `R${r + 1}C${c + 1}`;
      out.push({ file: `${stem}_${name}.tif`, name, x0, y0, width: x1 - x0, height: y1 - y0 });
    }
  }
  return out;
}

/** The geotransform of a tile: the scene's, moved to the tile's corner. */
export function tileGeoTransform(gt: GeoTransform, t: SceneTile): GeoTransform {
  return [gt[0] + t.x0 * gt[1] + t.y0 * gt[2], gt[1], gt[2], gt[3] + t.x0 * gt[4] + t.y0 * gt[5], gt[4], gt[5]];
}

const COLOUR = ['Red', 'Green', 'Blue', 'Undefined'];

/**
 * A GDAL VRT mosaicking the tiles, as `gdalbuildvrt` writes one: sources relative to the VRT, each
 * placed at its offset (later tiles drawn over earlier ones in the overlaps).
 */
export function sceneVrt(spec: { width: number; height: number; bands: number; dtype: 'uint8' | 'uint16'; epsg: number; geoTransform: GeoTransform; nodata: number }, tiles: readonly SceneTile[]): string {
  const type = spec.dtype === 'uint8' ? 'Byte' : 'UInt16';
  const band = (b: number) =>
    [
      `  <VRTRasterBand dataType="${type}" band="${b}">`,
      `    <NoDataValue>${spec.nodata}</NoDataValue>`,
      `    <ColorInterp>${COLOUR[b - 1] ?? 'Undefined'}</ColorInterp>`,
      ...tiles.map((t) =>
        [
          '    <ComplexSource>',
          `      <SourceFilename relativeToVRT="1">${escapeXml(basename(t.file))}</SourceFilename>`,
          `      <SourceBand>${b}</SourceBand>`,
          `      <SourceProperties RasterXSize="${t.width}" RasterYSize="${t.height}" DataType="${type}" BlockXSize="256" BlockYSize="256" />`,
          `      <SrcRect xOff="0" yOff="0" xSize="${t.width}" ySize="${t.height}" />`,
          `      <DstRect xOff="${t.x0}" yOff="${t.y0}" xSize="${t.width}" ySize="${t.height}" />`,
          `      <NODATA>${spec.nodata}</NODATA>`,
          '    </ComplexSource>',
        ].join('\n'),
      ),
      '  </VRTRasterBand>',
    ].join('\n');
  return [
    `<VRTDataset rasterXSize="${spec.width}" rasterYSize="${spec.height}">`,
    `  <SRS dataAxisToSRSAxisMapping="1,2">EPSG:${spec.epsg}</SRS>`,
    `  <GeoTransform>${spec.geoTransform.map(String).join(', ')}</GeoTransform>`,
    ...Array.from({ length: spec.bands }, (_, i) => band(i + 1)),
    '</VRTDataset>',
    '',
  ].join('\n');
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
