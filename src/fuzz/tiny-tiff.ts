/**
 * A minimal striped TIFF writer for fuzz seeds in the layouts the project's own GeoTIFF writer does
 * not make (strips, big-endian, uncompressed or LZW), so the fuzzer reaches those reader paths.
 */

export interface TinyTiffSpec {
  width: number;
  height: number;
  /** uint8 samples, pixel-interleaved. */
  bands: number;
  rowsPerStrip: number;
  compression: 'none' | 'lzw';
  littleEndian: boolean;
  /** North-up georeferencing: EPSG code, top-left corner and pixel size. */
  georef?: { epsg: number; x: number; y: number; pixel: number };
}

const CLEAR = 256;
const EOI = 257;
/** Literals between CLEAR codes: the decoder's table stays under 511 entries, so every code is 9 bits. */
const LITERALS_PER_CLEAR = 253;

/** TIFF LZW with literal codes only: valid for every decoder, no compression (fuzz seeds are small). */
export function lzwEncodeLiterals(bytes: Uint8Array): Uint8Array {
  const codes: number[] = [CLEAR];
  bytes.forEach((v, i) => {
    if (i > 0 && i % LITERALS_PER_CLEAR === 0) codes.push(CLEAR);
    codes.push(v);
  });
  codes.push(EOI);
  const out = new Uint8Array(Math.ceil((codes.length * 9) / 8));
  let bit = 0;
  for (const code of codes) {
    for (let k = 8; k >= 0; k--, bit++) if ((code >> k) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
  }
  return out;
}

interface Field {
  tag: number;
  type: 3 | 4 | 12;
  values: number[];
}

/** Encodes a striped TIFF holding `pixels` (width × height × bands bytes). */
export function writeTinyTiff(spec: TinyTiffSpec, pixels: Uint8Array): Uint8Array {
  const { width, height, bands, rowsPerStrip } = spec;
  const strips: Uint8Array[] = [];
  for (let y = 0; y < height; y += rowsPerStrip) {
    const raw = pixels.subarray(y * width * bands, Math.min(height, y + rowsPerStrip) * width * bands);
    strips.push(spec.compression === 'lzw' ? lzwEncodeLiterals(raw) : raw.slice());
  }
  const fields: Field[] = [
    { tag: 256, type: 4, values: [width] },
    { tag: 257, type: 4, values: [height] },
    { tag: 258, type: 3, values: Array(bands).fill(8) },
    { tag: 259, type: 3, values: [spec.compression === 'lzw' ? 5 : 1] },
    { tag: 262, type: 3, values: [bands >= 3 ? 2 : 1] },
    { tag: 273, type: 4, values: strips.map(() => 0) },
    { tag: 277, type: 3, values: [bands] },
    { tag: 278, type: 4, values: [rowsPerStrip] },
    { tag: 279, type: 4, values: strips.map((s) => s.length) },
    { tag: 284, type: 3, values: [1] },
  ];
  if (bands > 3) fields.push({ tag: 338, type: 3, values: Array(bands - 3).fill(0) });
  const g = spec.georef;
  if (g) {
    fields.push({ tag: 33550, type: 12, values: [g.pixel, g.pixel, 0] });
    fields.push({ tag: 33922, type: 12, values: [0, 0, 0, g.x, g.y, 0] });
    fields.push({ tag: 34735, type: 3, values: [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, g.epsg] });
  }
  fields.sort((a, b) => a.tag - b.tag);

  const size = (f: Field) => f.values.length * (f.type === 3 ? 2 : f.type === 4 ? 4 : 8);
  const ifdStart = 8;
  const ifdSize = 2 + fields.length * 12 + 4;
  let extra = ifdStart + ifdSize;
  const extraPos = new Map<Field, number>();
  for (const f of fields) {
    if (size(f) > 4) {
      extraPos.set(f, extra);
      extra += size(f) + (size(f) % 2);
    }
  }
  let dataPos = extra;
  const stripOffsets = fields.find((f) => f.tag === 273)!;
  strips.forEach((s, i) => {
    stripOffsets.values[i] = dataPos;
    dataPos += s.length;
  });

  const out = new Uint8Array(dataPos);
  const v = new DataView(out.buffer);
  const le = spec.littleEndian;
  out.set(le ? [0x49, 0x49] : [0x4d, 0x4d], 0);
  v.setUint16(2, 42, le);
  v.setUint32(4, ifdStart, le);
  v.setUint16(ifdStart, fields.length, le);
  const writeValues = (f: Field, pos: number) => {
    f.values.forEach((x, i) => {
      if (f.type === 3) v.setUint16(pos + i * 2, x, le);
      else if (f.type === 4) v.setUint32(pos + i * 4, x, le);
      else v.setFloat64(pos + i * 8, x, le);
    });
  };
  fields.forEach((f, i) => {
    const pos = ifdStart + 2 + i * 12;
    v.setUint16(pos, f.tag, le);
    v.setUint16(pos + 2, f.type, le);
    v.setUint32(pos + 4, f.values.length, le);
    const at = extraPos.get(f);
    if (at === undefined) writeValues(f, pos + 8);
    else {
      v.setUint32(pos + 8, at, le);
      writeValues(f, at);
    }
  });
  v.setUint32(ifdStart + 2 + fields.length * 12, 0, le);
  strips.forEach((s, i) => out.set(s, stripOffsets.values[i]));
  return out;
}
