import type { GeoTIFF } from 'geotiff';

/** Bytes per value of each TIFF field type (TIFF 6.0 and BigTIFF). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

/** Largest tag value satcount accepts from a source of unknown size (a remote file). */
const MAX_REMOTE_TAG_BYTES = 256 * 1024 * 1024;

async function bytesAt(tiff: GeoTIFF, offset: number, length: number): Promise<DataView> {
  const [buffer] = await tiff.source.fetch([{ offset, length }]);
  return new DataView(buffer as ArrayBuffer, 0, Math.min(length, buffer.byteLength));
}

/**
 * Checks the image directory at `offset` before geotiff parses it. geotiff allocates and walks
 * every value a tag's count claims, so one flipped count byte (10⁹ values in a 10 KB file) costs
 * gigabytes and minutes before anything fails; a directory or tag larger than the file is refused
 * here instead. Throws an Error saying what is wrong (the caller names the file).
 */
export async function checkIfd(tiff: GeoTIFF, offset: number, fileSize: number | null): Promise<void> {
  const big = tiff.bigTiff;
  const le = tiff.littleEndian;
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const limit = fileSize ?? MAX_REMOTE_TAG_BYTES;
  if (fileSize !== null && offset + countSize > fileSize) {
    throw new Error(`an image directory at byte ${offset} lies past the end of the file (${fileSize} bytes)`);
  }
  const head = await bytesAt(tiff, offset, countSize);
  const n = big ? Number(head.getBigUint64(0, le)) : head.getUint16(0, le);
  if (n * entrySize > limit) throw new Error(`an image directory claims ${n} entries, more than the file holds`);
  const entries = await bytesAt(tiff, offset + countSize, n * entrySize);
  for (let i = 0; i < n && (i + 1) * entrySize <= entries.byteLength; i++) {
    const p = i * entrySize;
    const tag = entries.getUint16(p, le);
    const type = entries.getUint16(p + 2, le);
    const count = big ? Number(entries.getBigUint64(p + 4, le)) : entries.getUint32(p + 4, le);
    const bytes = (TYPE_SIZE[type] ?? 0) * count;
    if (bytes > limit) throw new Error(`tag ${tag} claims ${count} values (${bytes} bytes), more than the file holds`);
  }
}
