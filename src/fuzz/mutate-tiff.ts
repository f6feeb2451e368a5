import { deflateSync } from 'node:zlib';
import type { Rng } from '../random/prng.js';
import { Bytes, entryValue, parseTiffLayout, TAG, TYPE_SIZE, type TiffEntry, type TiffLayout } from './tiff-layout.js';

/** A mutated file and what was done to it, in words that let a person reproduce it. */
export interface Mutant {
  bytes: Uint8Array;
  mutation: string;
}

type TiffMutation = (rng: Rng, data: Uint8Array, layout: TiffLayout) => Mutant;

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(0, items.length - 1)];

/** Values that break readers most often: zero, one, just past a limit, all ones, the file length. */
function nastyNumber(rng: Rng, fileLength: number): number {
  return pick(rng, [0, 1, 2, 255, 256, 65535, 65536, 0x7fffffff, 0xffffffff, fileLength, fileLength - 1, fileLength + 1, rng.int(0, 0xffffffff), rng.int(0, fileLength)]);
}

function entryOf(layout: TiffLayout, tag: number, ifd = 0): TiffEntry | undefined {
  return layout.ifds[ifd]?.entries.find((e) => e.tag === tag);
}

function anyEntry(rng: Rng, layout: TiffLayout): { entry: TiffEntry; ifd: number } {
  const ifd = rng.int(0, layout.ifds.length - 1);
  return { entry: pick(rng, layout.ifds[ifd].entries), ifd };
}

/** Sets a one-value integer tag, widening SHORT to LONG (in place) when the value needs it. */
function setScalar(b: Bytes, layout: TiffLayout, e: TiffEntry, value: number): void {
  const valuePos = e.pos + (layout.big ? 12 : 8);
  if (e.count !== 1 || (e.type !== 3 && e.type !== 4 && e.type !== 16)) {
    b.put(e.pos + 2, 2, 4);
    b.put(e.pos + 4, layout.big ? 8 : 4, 1);
  } else if (e.type === 3 && value > 0xffff) {
    b.put(e.pos + 2, 2, 4);
  }
  const type = value > 0xffff || e.type !== 3 ? 4 : 3;
  b.put(valuePos, layout.big ? 8 : 4, 0);
  b.put(valuePos, type === 3 ? 2 : 4, value);
}

const truncate: TiffMutation = (rng, data) => {
  const at = rng.chance(0.5) ? rng.int(0, Math.min(data.length - 1, 600)) : rng.int(0, data.length - 1);
  return { bytes: data.slice(0, at), mutation: `truncated to ${at} bytes` };
};

const headerBits: TiffMutation = (rng, data) => {
  const out = data.slice();
  const flips: number[] = [];
  for (let i = rng.int(1, 3); i > 0; i--) {
    const bit = rng.int(0, 16 * 8 - 1);
    out[bit >> 3] ^= 1 << (bit & 7);
    flips.push(bit);
  }
  return { bytes: out, mutation: `header bits ${flips.join(',')} flipped` };
};

const randomBytes: TiffMutation = (rng, data) => {
  const out = data.slice();
  const at: string[] = [];
  for (let i = rng.int(1, 8); i > 0; i--) {
    const p = rng.int(0, out.length - 1);
    out[p] = rng.int(0, 255);
    at.push(`${p}=${out[p]}`);
  }
  return { bytes: out, mutation: `random bytes ${at.join(' ')}` };
};

const ifdBytes: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const ifd = pick(rng, layout.ifds);
  const at: string[] = [];
  for (let i = rng.int(1, 4); i > 0; i--) {
    const p = rng.int(ifd.offset, ifd.nextPos + 3);
    out[p] = rng.int(0, 255);
    at.push(`${p}=${out[p]}`);
  }
  return { bytes: out, mutation: `IFD@${ifd.offset} bytes ${at.join(' ')}` };
};

const entryField: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const { entry, ifd } = anyEntry(rng, layout);
  const field = pick(rng, ['tag', 'type', 'count', 'value'] as const);
  let value: number;
  if (field === 'tag') {
    value = rng.chance(0.5) ? pick(rng, layout.ifds[ifd].entries).tag : rng.int(0, 65535);
    b.put(entry.pos, 2, value);
  } else if (field === 'type') {
    value = rng.int(0, 19);
    b.put(entry.pos + 2, 2, value);
  } else if (field === 'count') {
    value = pick(rng, [0, 1, entry.count + 1, Math.max(0, entry.count - 1), 0xffffffff, 0x7fffffff, rng.int(0, 100000)]);
    b.put(entry.pos + 4, layout.big ? 8 : 4, value);
  } else {
    value = nastyNumber(rng, data.length);
    b.put(entry.pos + (layout.big ? 12 : 8), layout.big ? 8 : 4, value);
  }
  return { bytes: out, mutation: `IFD ${ifd} tag ${entry.tag} ${field} := ${value}` };
};

const absurdSize: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const [w, h] = pick(rng, [[1e6, 1e6], [1e6, 1], [1, 1e6], [0, 0], [65535, 65535], [0xffffffff, 0xffffffff], [rng.int(1, 1e5), rng.int(1, 1e5)]]);
  const ifd = rng.chance(0.8) ? 0 : rng.int(0, layout.ifds.length - 1);
  const we = entryOf(layout, TAG.width, ifd);
  const he = entryOf(layout, TAG.height, ifd);
  if (we) setScalar(b, layout, we, w);
  if (he) setScalar(b, layout, he, h);
  // One block as large as the claimed image keeps the block table consistent with the size.
  if (rng.chance(0.3)) {
    for (const [tag, v] of [[TAG.tileWidth, w], [TAG.tileHeight, h], [TAG.rowsPerStrip, h]]) {
      const e = entryOf(layout, tag, ifd);
      if (e) setScalar(b, layout, e, v);
    }
    return { bytes: out, mutation: `IFD ${ifd} claims ${w}×${h} pixels in one block` };
  }
  return { bytes: out, mutation: `IFD ${ifd} claims ${w}×${h} pixels` };
};

const blockSize: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const tiled = entryOf(layout, TAG.tileWidth) !== undefined;
  const value = pick(rng, [0, 1, 7, 15, 17, 65535, 65536 * 16, 1e6, 0xffffffff, rng.int(1, 4096)]);
  const tag = tiled ? pick(rng, [TAG.tileWidth, TAG.tileHeight]) : TAG.rowsPerStrip;
  const e = entryOf(layout, tag);
  if (e) setScalar(b, layout, e, value);
  if (tiled && rng.chance(0.3)) {
    const other = entryOf(layout, tag === TAG.tileWidth ? TAG.tileHeight : TAG.tileWidth);
    if (other) setScalar(b, layout, other, value);
    return { bytes: out, mutation: `tile size := ${value}×${value}` };
  }
  return { bytes: out, mutation: `tag ${tag} (block size) := ${value}` };
};

/** Values of the tags that choose how samples are read, most of them unsupported or contradictory. */
const TAG_VALUES: [tag: number, values: number[]][] = [
  [TAG.bitsPerSample, [0, 1, 2, 4, 7, 12, 16, 24, 32, 64, 65535]],
  [TAG.compression, [0, 1, 2, 5, 6, 7, 8, 32773, 32946, 34712, 34887, 34925, 50000, 50001, 65535]],
  [TAG.photometric, [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 32844, 65535]],
  [TAG.samplesPerPixel, [0, 1, 2, 3, 4, 5, 255, 65535]],
  [TAG.planar, [0, 1, 2, 3, 65535]],
  [TAG.predictor, [0, 1, 2, 3, 4, 65535]],
  [TAG.sampleFormat, [0, 1, 2, 3, 4, 5, 6, 7, 65535]],
  [TAG.extraSamples, [0, 1, 2, 3, 65535]],
];

const tagValue: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const [tag, values] = pick(rng, TAG_VALUES);
  const value = pick(rng, values);
  const e = entryOf(layout, tag);
  if (!e) return { bytes: out, mutation: `tag ${tag} absent: unchanged` };
  // Multi-valued tags (BitsPerSample, SampleFormat): change one value or all of them.
  const size = TYPE_SIZE[e.type] ?? 2;
  const all = rng.chance(0.5);
  const which = all ? [...Array(e.count).keys()] : [rng.int(0, e.count - 1)];
  for (const i of which) b.put(e.dataPos + i * size, size, value);
  return { bytes: out, mutation: `tag ${tag} value${all ? 's' : ` ${which[0]}`} := ${value}` };
};

const blockTable: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const ifd = rng.int(0, layout.ifds.length - 1);
  const tiled = entryOf(layout, TAG.tileOffsets, ifd) !== undefined;
  const tag = tiled ? pick(rng, [TAG.tileOffsets, TAG.tileByteCounts]) : pick(rng, [TAG.stripOffsets, TAG.stripByteCounts]);
  const e = entryOf(layout, tag, ifd);
  if (!e) return { bytes: out, mutation: `IFD ${ifd} has no tag ${tag}: unchanged` };
  const size = TYPE_SIZE[e.type] ?? 4;
  const value = rng.chance(0.2) ? entryValue(b, e, rng.int(0, e.count - 1)) : nastyNumber(rng, data.length);
  const all = rng.chance(0.25);
  const which = all ? [...Array(e.count).keys()] : [rng.int(0, e.count - 1)];
  for (const i of which) b.put(e.dataPos + i * size, size, value);
  return { bytes: out, mutation: `IFD ${ifd} tag ${tag} entr${all ? 'ies all' : `y ${which[0]}`} := ${value}` };
};

const ifdChain: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const from = rng.int(0, layout.ifds.length - 1);
  const to = pick(rng, [layout.ifds[0].offset, layout.ifds[from].offset, pick(rng, layout.ifds).offset, rng.int(0, data.length), data.length + 100, 0xffffffff]);
  b.put(layout.ifds[from].nextPos, layout.big ? 8 : 4, to);
  return { bytes: out, mutation: `next-IFD of IFD ${from} := ${to}${layout.ifds.some((i) => i.offset === to) ? ' (a cycle)' : ''}` };
};

const blockData: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const e = entryOf(layout, TAG.tileOffsets) ?? entryOf(layout, TAG.stripOffsets)!;
  const counts = entryOf(layout, TAG.tileByteCounts) ?? entryOf(layout, TAG.stripByteCounts)!;
  const i = rng.int(0, e.count - 1);
  const start = entryValue(b, e, i);
  const n = Math.max(1, entryValue(b, counts, i));
  const at: number[] = [];
  for (let k = rng.int(1, 6); k > 0; k--) {
    const p = start + rng.int(0, n - 1);
    if (p < out.length) out[p] = rng.int(0, 255);
    at.push(p);
  }
  return { bytes: out, mutation: `block ${i} data bytes at ${at.join(',')} randomised` };
};

let bombCache: Uint8Array | null = null;
/** 64 MiB of zeros as a ~64 KB DEFLATE stream. */
function deflateBomb(): Uint8Array {
  bombCache ??= new Uint8Array(deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
  return bombCache;
}

/** Points block 0 at appended data that decodes far beyond the block's declared size. */
const bomb: TiffMutation = (rng, data, layout) => {
  const payload = deflateBomb();
  const out = new Uint8Array(data.length + payload.length);
  out.set(data);
  out.set(payload, data.length);
  const b = new Bytes(out, layout.littleEndian);
  const offsets = entryOf(layout, TAG.tileOffsets) ?? entryOf(layout, TAG.stripOffsets)!;
  const counts = entryOf(layout, TAG.tileByteCounts) ?? entryOf(layout, TAG.stripByteCounts)!;
  const compression = entryOf(layout, TAG.compression)!;
  const i = rng.int(0, offsets.count - 1);
  b.put(offsets.dataPos + i * (TYPE_SIZE[offsets.type] ?? 4), TYPE_SIZE[offsets.type] ?? 4, data.length);
  b.put(counts.dataPos + i * (TYPE_SIZE[counts.type] ?? 4), TYPE_SIZE[counts.type] ?? 4, payload.length);
  // Raw and LZW seeds are told the block is DEFLATE, so every layout meets the bomb.
  b.put(compression.dataPos, TYPE_SIZE[compression.type] ?? 2, 8);
  return { bytes: out, mutation: `block ${i} := a ${payload.length}-byte DEFLATE stream of 64 MiB (decompression bomb)` };
};

const byteOrder: TiffMutation = (_rng, data) => {
  const out = data.slice();
  out[0] = out[1] = out[0] === 0x49 ? 0x4d : 0x49;
  return { bytes: out, mutation: 'byte order mark swapped' };
};

const geoKeys: TiffMutation = (rng, data, layout) => {
  const out = data.slice();
  const b = new Bytes(out, layout.littleEndian);
  const e = entryOf(layout, TAG.geoKeys);
  if (!e) return { bytes: out, mutation: 'no GeoKeyDirectory: unchanged' };
  const i = rng.int(0, e.count - 1);
  const value = pick(rng, [0, 1, 2, 3, 4, 1024, 2048, 3072, 3076, 32767, 65535, rng.int(0, 65535)]);
  b.put(e.dataPos + i * 2, 2, value);
  return { bytes: out, mutation: `GeoKeyDirectory value ${i} := ${value}` };
};

const MUTATIONS: [TiffMutation, number][] = [
  [truncate, 14],
  [headerBits, 5],
  [randomBytes, 10],
  [ifdBytes, 10],
  [entryField, 16],
  [absurdSize, 8],
  [blockSize, 8],
  [tagValue, 12],
  [blockTable, 12],
  [ifdChain, 6],
  [blockData, 8],
  [bomb, 2],
  [byteOrder, 1],
  [geoKeys, 4],
];

/** One structure-aware mutation of a valid TIFF; sometimes two stacked. */
export function mutateTiff(rng: Rng, data: Uint8Array): Mutant {
  const first = rng.weighted(MUTATIONS)(rng, data, parseTiffLayout(data));
  if (first.bytes.length < 16 || !rng.chance(0.15)) return first;
  let layout: TiffLayout;
  try {
    layout = parseTiffLayout(first.bytes);
    if (layout.ifds.length === 0 || layout.ifds.some((i) => i.entries.length === 0)) return first;
  } catch {
    return first;
  }
  let second: Mutant;
  try {
    second = rng.weighted(MUTATIONS.filter(([m]) => m !== bomb))(rng, first.bytes, layout);
  } catch {
    // The first mutation left a structure the layout walk misread (an entry pointing past the end).
    return first;
  }
  return { bytes: second.bytes, mutation: `${first.mutation}; then ${second.mutation}` };
}
