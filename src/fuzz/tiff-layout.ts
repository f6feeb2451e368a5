/**
 * Where things sit in a well-formed TIFF (classic or BigTIFF, either byte order), so mutations can
 * aim at the header, an IFD entry, a tag's value or a tile's offset instead of flipping bytes blind.
 * Only used on the fuzzer's own seed files, which are valid; it does not defend against bad input.
 */

export interface TiffEntry {
  /** Byte position of the 12-byte (20 for BigTIFF) entry. */
  pos: number;
  tag: number;
  type: number;
  count: number;
  /** Where the values are: inside the entry's value field, or at the offset it holds. */
  dataPos: number;
}

export interface TiffIfd {
  offset: number;
  entries: TiffEntry[];
  /** Byte position of the next-IFD pointer. */
  nextPos: number;
}

export interface TiffLayout {
  littleEndian: boolean;
  big: boolean;
  ifds: TiffIfd[];
}

export const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8 };

export const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planar: 284,
  predictor: 317,
  tileWidth: 322,
  tileHeight: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  extraSamples: 338,
  sampleFormat: 339,
  geoKeys: 34735,
  gdalNodata: 42113,
} as const;

/** Reads and writes unsigned integers in a file's byte order. */
export class Bytes {
  readonly view: DataView;

  constructor(
    readonly data: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  u16(pos: number): number {
    return this.view.getUint16(pos, this.littleEndian);
  }

  u32(pos: number): number {
    return this.view.getUint32(pos, this.littleEndian);
  }

  u64(pos: number): number {
    return Number(this.view.getBigUint64(pos, this.littleEndian));
  }

  /** Writes `value` as an unsigned integer of `size` bytes (1, 2, 4 or 8), if it fits in the file. */
  put(pos: number, size: number, value: number): void {
    if (pos < 0 || pos + size > this.data.length) return;
    if (size === 1) this.view.setUint8(pos, value & 0xff);
    else if (size === 2) this.view.setUint16(pos, value & 0xffff, this.littleEndian);
    else if (size === 4) this.view.setUint32(pos, value >>> 0, this.littleEndian);
    else this.view.setBigUint64(pos, BigInt(Math.max(0, Math.floor(value))), this.littleEndian);
  }
}

/** Walks the IFD chain of a valid TIFF. */
export function parseTiffLayout(data: Uint8Array): TiffLayout {
  const littleEndian = data[0] === 0x49;
  const b = new Bytes(data, littleEndian);
  const big = b.u16(2) === 43;
  const ifds: TiffIfd[] = [];
  let offset = big ? b.u64(8) : b.u32(4);
  const entrySize = big ? 20 : 12;
  const inline = big ? 8 : 4;
  while (offset !== 0 && ifds.length < 64) {
    const n = big ? b.u64(offset) : b.u16(offset);
    const first = offset + (big ? 8 : 2);
    const entries: TiffEntry[] = [];
    for (let i = 0; i < n; i++) {
      const pos = first + i * entrySize;
      const type = b.u16(pos + 2);
      const count = big ? b.u64(pos + 4) : b.u32(pos + 4);
      const valuePos = pos + (big ? 12 : 8);
      const bytes = (TYPE_SIZE[type] ?? 1) * count;
      const dataPos = bytes <= inline ? valuePos : big ? b.u64(valuePos) : b.u32(valuePos);
      entries.push({ pos, tag: b.u16(pos), type, count, dataPos });
    }
    const nextPos = first + n * entrySize;
    ifds.push({ offset, entries, nextPos });
    offset = big ? b.u64(nextPos) : b.u32(nextPos);
  }
  return { littleEndian, big, ifds };
}

/** Value `i` of an entry (integer types only). */
export function entryValue(b: Bytes, e: TiffEntry, i = 0): number {
  const size = TYPE_SIZE[e.type] ?? 1;
  const pos = e.dataPos + i * size;
  if (size === 1) return b.data[pos];
  if (size === 2) return b.u16(pos);
  if (size === 4) return b.u32(pos);
  return b.u64(pos);
}
