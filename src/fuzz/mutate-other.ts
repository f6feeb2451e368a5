import type { Rng } from '../random/prng.js';
import type { Mutant } from './mutate-tiff.js';

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(0, 255));
}

function scribble(rng: Rng, data: Uint8Array, from = 0): Mutant {
  const out = data.slice();
  const at: string[] = [];
  for (let i = rng.int(1, 8); i > 0; i--) {
    const p = rng.int(from, out.length - 1);
    out[p] = rng.int(0, 255);
    at.push(`${p}=${out[p]}`);
  }
  return { bytes: out, mutation: `random bytes ${at.join(' ')}` };
}

function cut(rng: Rng, data: Uint8Array): Mutant {
  const at = rng.int(0, data.length - 1);
  return { bytes: data.slice(0, at), mutation: `truncated to ${at} bytes` };
}

/** PNG or JPEG: truncation, random bytes, or (PNG) an IHDR claiming an absurd size. */
export function mutatePlain(rng: Rng, data: Uint8Array, png: boolean): Mutant {
  const kind = rng.int(0, png ? 2 : 1);
  if (kind === 0) return cut(rng, data);
  if (kind === 1) return scribble(rng, data, rng.chance(0.5) ? 0 : Math.min(100, data.length - 1));
  const out = data.slice();
  const v = new DataView(out.buffer);
  const [w, h] = pick(rng, [[1e6, 1e6], [0, 48], [0x7fffffff, 0x7fffffff], [64, 1e6]]);
  // IHDR data starts at byte 16; its CRC is left stale on purpose half of the time.
  v.setUint32(16, w);
  v.setUint32(20, h);
  if (rng.chance(0.5)) v.setUint32(29, crc32(out.subarray(12, 29)));
  return { bytes: out, mutation: `PNG IHDR claims ${w}×${h}` };
}

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const encoder = new TextEncoder();
const text = (value: unknown): Uint8Array => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));

const line = (coordinates: unknown) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates } });

/** Road GeoJSON made wrong in the ways hand-edited and exported files are. */
export function mutateRoad(rng: Rng, data: Uint8Array): Mutant {
  const source = new TextDecoder().decode(data);
  const json = JSON.parse(source) as Record<string, unknown>;
  const coords = firstCoordinates(json);
  const variants: [string, () => Uint8Array][] = [
    ['text truncated', () => text(source.slice(0, rng.int(0, source.length - 1)))],
    ['random bytes in the text', () => scribble(rng, data).bytes],
    ['empty file', () => new Uint8Array(0)],
    ['binary garbage', () => randomBytes(rng, rng.int(1, 2000))],
    ['a JSON number', () => text('42')],
    ['JSON null', () => text('null')],
    ['an array', () => text([coords])],
    ['a Point', () => text({ type: 'Point', coordinates: coords[0] })],
    ['a Polygon', () => text({ type: 'Polygon', coordinates: [[...coords, coords[0]]] })],
    ['a GeometryCollection', () => text({ type: 'GeometryCollection', geometries: [{ type: 'LineString', coordinates: coords }] })],
    ['a Feature with null geometry', () => text({ type: 'Feature', properties: {}, geometry: null })],
    ['an empty FeatureCollection', () => text({ type: 'FeatureCollection', features: [] })],
    ['features not an array', () => text({ type: 'FeatureCollection', features: {} })],
    ['empty coordinates', () => text(line([]))],
    ['coordinates [[]]', () => text(line([[]]))],
    ['coordinates not an array', () => text(line('0,0 1,1'))],
    ['one vertex', () => text(line([coords[0]]))],
    ['the same vertex twice', () => text(line([coords[0], coords[0]]))],
    ['a null coordinate', () => text(line([coords[0], [null, 1]]))],
    ['string coordinates', () => text(line([['22.9', '49.8'], ['23', '49.8']]))],
    ['an overflowing coordinate (1e999)', () => text(`{"type":"LineString","coordinates":[[1e999,0],[1,1]]}`)],
    ['huge coordinates', () => text(line([[1e12, 1e12], [-1e300, 1e300]]))],
    ['latitude beyond the pole', () => text(line([[coords[0][0], 91], [coords[1][0], 120]]))],
    ['tiny offsets only', () => text(line([coords[0], [coords[0][0] + 1e-15, coords[0][1]]]))],
    ['an unknown CRS name', () => text({ ...json, crs: { type: 'name', properties: { name: pick(rng, ['EPSG:999999', 'EPSG:0', 'EPSG:-1', 'foo', 'urn:ogc:def:crs:EPSG::abc', '+proj=nonsense', 'PROJCS["x"]', '']) } } })],
    ['a CRS member that is a string', () => text({ ...json, crs: 'EPSG:4326' })],
    ['a web-mercator CRS on lon/lat numbers', () => text({ ...json, crs: { type: 'name', properties: { name: 'EPSG:3857' } } })],
    ['a pixel CRS far outside the image', () => text({ ...json, crs: { type: 'name', properties: { name: 'pixel' } } })],
    ['deeply nested FeatureCollections', () => text('{"type":"FeatureCollection","features":['.repeat(5000) + ']}'.repeat(5000))],
    ['deeply nested arrays', () => text(`{"type":"LineString","coordinates":${'['.repeat(100000)}${']'.repeat(100000)}}`)],
    ['100000 vertices', () => text(line(Array.from({ length: 100000 }, (_, i) => [coords[0][0] + i * 1e-7, coords[0][1]])))],
    ['a MultiLineString with an empty part', () => text({ type: 'MultiLineString', coordinates: [coords, []] })],
  ];
  const [mutation, make] = pick(rng, variants);
  return { bytes: make(), mutation };
}

function firstCoordinates(json: Record<string, unknown>): [number, number][] {
  const g = (json.type === 'FeatureCollection' ? (json.features as Record<string, unknown>[])[0].geometry : json.type === 'Feature' ? json.geometry : json) as { type: string; coordinates: unknown };
  const c = g.type === 'MultiLineString' ? (g.coordinates as unknown[][])[0] : g.coordinates;
  return c as [number, number][];
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A `metadata_props` entry appended to a ModelProto: protobuf merges repeated fields, so the model stays loadable. */
function withMetadata(model: Uint8Array, key: string, value: string): Uint8Array {
  const k = encoder.encode(key);
  const v = encoder.encode(value);
  const entry = [0x0a, ...varint(k.length), ...k, 0x12, ...varint(v.length), ...v];
  const field = [(14 << 3) | 2, ...varint(entry.length), ...entry];
  const out = new Uint8Array(model.length + field.length);
  out.set(model);
  out.set(field, model.length);
  return out;
}

const BAD_SETTINGS: unknown[] = [
  '{not json',
  null,
  [],
  { gsd_m: -1 },
  { gsd_m: 0 },
  { gsd_m: 'big' },
  { gsd_m: 1e308 },
  { gsd_m: 0.3, input_size: [0, 0] },
  { gsd_m: 0.3, input_size: [100000, 100000] },
  { gsd_m: 0.3, input_size: 'x' },
  { gsd_m: 0.3, layout: 'nonsense' },
  { gsd_m: 0.3, layout: 'yolov8' },
  { gsd_m: 0.3, classes: 'car' },
  { gsd_m: 0.3, classes: [] },
  { gsd_m: 0.3, score_threshold: 2 },
  { gsd_m: 0.3, nms_iou: -1 },
  { gsd_m: 0.3, tile_overlap: 1e9 },
  { gsd_m: 0.3, tile_overlap: -5 },
  { gsd_m: 0.3, normalization: { order: 'xyz', mean: [0], std: [0, 0, 0] } },
  { gsd_m: 0.3, normalization: { order: 'rgb', mean: [0, 0, 0], std: [0, 0, 0] } },
];

/** ONNX models: random bytes, truncations, flipped bytes, and valid graphs with nonsense settings. */
export function mutateModel(rng: Rng, data: Uint8Array): Mutant {
  const kind = rng.int(0, 5);
  if (kind === 0) {
    const n = rng.int(0, 4096);
    return { bytes: randomBytes(rng, n), mutation: `${n} random bytes` };
  }
  if (kind === 1) return cut(rng, data);
  if (kind === 2) return scribble(rng, data);
  if (kind === 3) {
    const key = pick(rng, ['names', 'imgsz', 'resolution', 'tiles_size', 'class_names', 'det_type', 'stride']);
    const value = pick(rng, ['', '{', '[1e400]', "{0: 'car'", '-3', 'None', '[[[]]]', '{"0": 5}', 'x'.repeat(10000)]);
    return { bytes: withMetadata(data, key, value), mutation: `metadata ${key} := ${JSON.stringify(value.slice(0, 40))}` };
  }
  const value = pick(rng, BAD_SETTINGS);
  const textValue = typeof value === 'string' ? value : JSON.stringify(value);
  return { bytes: withMetadata(data, 'satcount', textValue), mutation: `metadata satcount := ${textValue}` };
}
