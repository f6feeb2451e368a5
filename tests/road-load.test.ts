import { describe, expect, it } from 'vitest';
import { parseRoad, resolveCrs } from '../src/road/index.js';
import { SatcountError } from '../src/types.js';

const line = { type: 'LineString', coordinates: [[44.5, 40.1], [44.51, 40.1]] };

function parseError(text: string, opts = {}): SatcountError {
  try {
    parseRoad(text, 'roads/border.geojson', opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SatcountError);
    return err as SatcountError;
  }
  throw new Error('expected parseRoad to throw');
}

describe('parseRoad', () => {
  it('reads a bare LineString as WGS84 lon/lat', () => {
    const road = parseRoad(JSON.stringify(line), 'r.geojson');
    expect(road.crs).toMatchObject({ kind: 'proj4', name: 'EPSG:4326' });
    expect(road.parts).toEqual([[[44.5, 40.1], [44.51, 40.1]]]);
  });

  it('keeps the parts of a FeatureCollection of LineStrings and MultiLineStrings in file order', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: {}, geometry: line },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiLineString', coordinates: [[[1, 1], [2, 2]], [[3, 3], [4, 4, 100]]] } },
      ],
    };
    const road = parseRoad(JSON.stringify(fc), 'r.geojson');
    expect(road.parts).toHaveLength(3);
    expect(road.parts[2]).toEqual([[3, 3], [4, 4]]);
  });

  it('honours a legacy crs member and lets --road-crs override it', () => {
    const withCrs = { ...line, crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32638' } } };
    const road = parseRoad(JSON.stringify(withCrs), 'r.geojson');
    expect(road.crs).toMatchObject({ kind: 'proj4', name: 'EPSG:32638' });
    expect(road.crs.kind === 'proj4' && road.crs.proj4).toContain('+zone=38');
    expect(parseRoad(JSON.stringify(withCrs), 'r.geojson', { roadCrs: 'pixel' }).crs).toEqual({ kind: 'pixel' });
  });

  it('drops repeated vertices', () => {
    const road = parseRoad(JSON.stringify({ type: 'LineString', coordinates: [[0, 0], [0, 0], [1, 0]] }), 'r', { roadCrs: 'pixel' });
    expect(road.parts[0]).toEqual([[0, 0], [1, 0]]);
  });

  it.each([
    ['not JSON', '{"type": "LineString",', /not valid JSON/],
    ['a Point', JSON.stringify({ type: 'Point', coordinates: [1, 2] }), /expected LineString or MultiLineString, found Point/],
    ['a string coordinate', JSON.stringify({ type: 'LineString', coordinates: [[0, 0], [1, 'a']] }), /not a pair of finite numbers/],
    ['empty coordinates', JSON.stringify({ type: 'LineString', coordinates: [] }), /no vertices/],
    ['a line of one vertex', JSON.stringify({ type: 'LineString', coordinates: [[44.5, 40.1]] }), /single distinct vertex/],
    ['a line of one repeated vertex', JSON.stringify({ type: 'LineString', coordinates: [[1, 2], [1, 2]] }), /single distinct vertex/],
    ['an empty FeatureCollection', JSON.stringify({ type: 'FeatureCollection', features: [] }), /no LineString/],
    ['an unknown CRS', JSON.stringify({ ...line, crs: { type: 'name', properties: { name: 'EPSG:999999' } } }), /unknown CRS "EPSG:999999"/],
  ])('rejects %s with exit code 2 and a one-line message naming the file', (_label, text, pattern) => {
    const err = parseError(text);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('roads/border.geojson');
    expect(err.message).not.toContain('\n');
  });

  it('rejects an unknown --road-crs', () => {
    expect(parseError(JSON.stringify(line), { roadCrs: 'EPSG:nope' }).message).toMatch(/--road-crs/);
  });
});

describe('resolveCrs', () => {
  it('understands the usual spellings of an EPSG code and of WGS84', () => {
    for (const name of ['EPSG:32638', 'epsg:32638', 'urn:ogc:def:crs:EPSG::32638', 'http://www.opengis.net/def/crs/EPSG/0/32638']) {
      expect(resolveCrs(name)).toMatchObject({ kind: 'proj4', name: 'EPSG:32638' });
    }
    expect(resolveCrs('urn:ogc:def:crs:OGC:1.3:CRS84')).toMatchObject({ name: 'EPSG:4326' });
    expect(resolveCrs('+proj=utm +zone=33 +datum=WGS84')).toMatchObject({ kind: 'proj4' });
    expect(resolveCrs('nonsense')).toBeNull();
  });
});
