import { proj4 } from '../packages/proj4.js';
import { lookupEpsg } from '../raster/geo/epsg.js';
import { SatcountError, type GeoTransform, type LonLat, type PixelPoint } from '../types.js';

/** Where a synthetic scene sits on the earth: a north-up grid in a projected CRS. */
export interface SceneGeoref {
  epsg: number;
  crs: string;
  geoTransform: GeoTransform;
  pixelToLonLat(p: PixelPoint): LonLat;
}

/** UTM zone (WGS84) holding a point, as an EPSG code. */
export function utmEpsg([lon, lat]: LonLat): number {
  const zone = Math.min(60, Math.floor((lon + 180) / 6) + 1);
  return (lat >= 0 ? 32600 : 32700) + zone;
}

/** Centres a width x height grid of `gsd`-metre pixels on `center`, in `crs` or the centre's UTM zone. */
export function sceneGeoref(center: LonLat, gsd: number, width: number, height: number, crs: string | null): SceneGeoref {
  const epsg = crs ? Number(crs.slice(5)) : utmEpsg(center);
  const def = lookupEpsg(epsg);
  if (!def) throw new SatcountError(`synth: unknown CRS EPSG:${epsg}`);
  if (def.geographic || !/\+units=m\b/.test(def.proj4)) {
    throw new SatcountError(`synth: --crs EPSG:${epsg} is not a projected CRS in metres`);
  }
  const project = proj4('EPSG:4326', def.proj4);
  const [cx, cy] = project.forward(center);
  // Snap the origin to whole centimetres so coordinates print cleanly.
  const x0 = Math.round((cx - (width / 2) * gsd) * 100) / 100;
  const y0 = Math.round((cy + (height / 2) * gsd) * 100) / 100;
  const geoTransform: GeoTransform = [x0, gsd, 0, y0, 0, -gsd];
  return {
    epsg,
    crs: `EPSG:${epsg}`,
    geoTransform,
    pixelToLonLat: ([px, py]) => project.inverse([x0 + px * gsd, y0 - py * gsd]) as LonLat,
  };
}
