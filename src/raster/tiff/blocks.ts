import { getDecoder, type BaseDecoder, type GeoTIFFImage, type TypedArray } from 'geotiff';

type BaseDecoderParameters = ConstructorParameters<typeof BaseDecoder>[0];

type Decoder = Awaited<ReturnType<typeof getDecoder>>;

/** Byte just past the last tile or strip of `image`: a file shorter than this was cut short. */
export async function blockDataEnd(image: GeoTIFFImage): Promise<number> {
  const fd = image.getFileDirectory();
  const tiled = image.isTiled;
  const offsets = ((await fd.loadValue(tiled ? 'TileOffsets' : 'StripOffsets')) ?? []) as ArrayLike<number | bigint>;
  const counts = ((await fd.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts')) ?? []) as ArrayLike<number | bigint>;
  let end = 0;
  for (let i = 0; i < offsets.length; i++) end = Math.max(end, Number(offsets[i]) + Number(counts[i] ?? 0));
  return end;
}

/** Thrown when a block lies beyond the end of the file (the caller names the file). */
export class TruncatedError extends Error {}

/** Least-recently-used store of decoded blocks, bounded by bytes, shared by all levels of a file. */
export class BlockCache {
  private readonly entries = new Map<string, Promise<TypedArray>>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, load: () => Promise<TypedArray>): Promise<TypedArray> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const p = load();
    this.entries.set(key, p);
    p.then(
      (arr) => {
        if (this.entries.get(key) !== p) return;
        this.sizes.set(key, arr.byteLength);
        this.bytes += arr.byteLength;
        this.evict();
      },
      () => this.entries.delete(key),
    );
    return p;
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) return;
      const size = this.sizes.get(key);
      if (size === undefined) continue;
      this.entries.delete(key);
      this.sizes.delete(key);
      this.bytes -= size;
    }
  }
}

function arrayFor(format: number, bits: number, buffer: ArrayBuffer): TypedArray {
  if (format === 3) return bits === 64 ? new Float64Array(buffer) : new Float32Array(buffer);
  if (format === 2) return bits === 8 ? new Int8Array(buffer) : bits === 16 ? new Int16Array(buffer) : new Int32Array(buffer);
  return bits <= 8 ? new Uint8Array(buffer) : bits <= 16 ? new Uint16Array(buffer) : new Uint32Array(buffer);
}

/** An empty array of the type one sample of `image` decodes to. */
export function sampleArray(image: GeoTIFFImage, length: number): TypedArray {
  const bits = image.getBitsPerSample(0);
  const bytes = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
  return arrayFor(image.getSampleFormat(0), bits, new ArrayBuffer(length * bytes));
}

/**
 * Reads rectangles of one TIFF image (a full-resolution level, an overview or a mask) block by
 * block, decoding each tile or strip once while it stays in the cache, and copying samples with
 * typed arrays rather than geotiff's per-pixel DataView reads.
 */
export class BlockReader {
  private decoder: Promise<Decoder> | null = null;
  readonly width: number;
  readonly height: number;
  readonly samplesPerPixel: number;
  private readonly blockW: number;
  private readonly blockH: number;
  private readonly planar: 1 | 2;

  constructor(
    readonly image: GeoTIFFImage,
    private readonly key: string,
    private readonly cache: BlockCache,
    private readonly fileSize: number | null,
    private readonly signal?: AbortSignal,
  ) {
    this.width = image.getWidth();
    this.height = image.getHeight();
    this.samplesPerPixel = image.getSamplesPerPixel();
    this.blockW = image.getTileWidth();
    this.blockH = image.getTileHeight();
    this.planar = image.planarConfiguration;
  }

  private async decoderParameters(): Promise<BaseDecoderParameters & Record<string, unknown>> {
    const fd = this.image.getFileDirectory();
    const tiled = this.image.isTiled;
    const params: BaseDecoderParameters & Record<string, unknown> = {
      tileWidth: tiled ? this.blockW : this.width,
      // blockH is RowsPerStrip clipped to the image: single-strip files often say 2³²−1 there,
      // and decoders size their output from this (decoders.ts caps it).
      tileHeight: this.blockH,
      planarConfiguration: this.planar,
      bitsPerSample: (await fd.loadValue('BitsPerSample')) as number[],
      predictor: Number(await fd.loadValue('Predictor')) || 1,
      samplesPerPixel: this.samplesPerPixel,
    };
    if (fd.hasTag('JPEGTables')) params.JPEGTables = await fd.loadValue('JPEGTables');
    if (fd.hasTag('LercParameters')) params.LercParameters = await fd.loadValue('LercParameters');
    return params;
  }

  private getDecoder(): Promise<Decoder> {
    if (!this.decoder) {
      const compression = Number(this.image.getFileDirectory().getValue('Compression')) || 1;
      this.decoder = this.decoderParameters().then((p) => getDecoder(compression, p));
    }
    return this.decoder;
  }

  private async checkBlockInFile(bx: number, by: number, sample: number): Promise<void> {
    if (this.fileSize === null) return;
    const across = Math.ceil(this.width / this.blockW);
    const down = Math.ceil(this.height / this.blockH);
    const index = (this.planar === 2 ? sample * across * down : 0) + by * across + bx;
    const fd = this.image.getFileDirectory();
    const tiled = this.image.isTiled;
    const offset = Number(await fd.loadValueIndexed(tiled ? 'TileOffsets' : 'StripOffsets', index));
    const count = Number(await fd.loadValueIndexed(tiled ? 'TileByteCounts' : 'StripByteCounts', index));
    if (!Number.isFinite(offset) || !Number.isFinite(count) || offset + count > this.fileSize) {
      throw new TruncatedError(`block ${index} ends at byte ${offset + count}, past the end of the file (${this.fileSize} bytes)`);
    }
  }

  /**
   * A block that decodes to fewer bytes than its rows need (data cut short, a corrupt stream, or
   * a size field that lies) would be read past its end as zeros: refused instead.
   */
  private checkBlockSize(by: number, sample: number, bytes: number): void {
    const image = this.image;
    const bits = this.planar === 2 ? sampleBits(image, sample) : Array.from({ length: this.samplesPerPixel }, (_, i) => sampleBits(image, i)).reduce((a, b) => a + b, 0);
    const rows = image.isTiled ? this.blockH : Math.min(this.blockH, this.height - by * this.blockH);
    const expected = Math.ceil((this.blockW * bits) / 8) * rows;
    if (!(bytes >= expected)) throw new Error(`a block holds ${bytes} bytes of pixel data, ${expected} expected (corrupt or cut short)`);
  }

  private block(bx: number, by: number, sample: number): Promise<TypedArray> {
    return this.cache.get(`${this.key}:${sample}:${bx}:${by}`, async () => {
      await this.checkBlockInFile(bx, by, sample);
      const decoder = await this.getDecoder();
      const { data } = await this.image.getTileOrStrip(bx, by, sample, decoder, this.signal);
      this.checkBlockSize(by, sample, (data as ArrayBuffer).byteLength);
      const arr = arrayFor(this.image.getSampleFormat(0), this.image.getBitsPerSample(0), data as ArrayBuffer);
      if (this.image.littleEndian || arr.BYTES_PER_ELEMENT === 1) return arr;
      // Uncompressed data may share its buffer with the byte source: swap a copy.
      const own = arr.slice();
      swapBytes(own);
      return own;
    });
  }

  /**
   * Copies samples `samples` (0-based) of the image rectangle (x, y, w, h), which must lie inside
   * the image, into `out`, pixel-interleaved with `samples.length` channels per pixel and
   * `outStride` pixels per row, starting at pixel (dx, dy).
   */
  async read(
    x: number,
    y: number,
    w: number,
    h: number,
    samples: number[],
    out: TypedArray,
    outStride: number,
    dx: number,
    dy: number,
  ): Promise<void> {
    if (w <= 0 || h <= 0) return;
    const bw = this.blockW;
    const bh = this.blockH;
    const k = samples.length;
    const spp = this.planar === 2 ? 1 : this.samplesPerPixel;
    // Consecutive samples of a pixel-interleaved block copy as whole rows.
    const run = this.planar === 1 && samples.every((s, i) => s === samples[0] + i);
    const jobs: Promise<void>[] = [];
    for (let by = Math.floor(y / bh); by * bh < y + h; by++) {
      for (let bx = Math.floor(x / bw); bx * bw < x + w; bx++) {
        const x0 = Math.max(x, bx * bw);
        const x1 = Math.min(x + w, (bx + 1) * bw);
        const y0 = Math.max(y, by * bh);
        const y1 = Math.min(y + h, (by + 1) * bh);
        const planes = this.planar === 2 ? samples : [0];
        planes.forEach((plane, pi) => {
          jobs.push(
            this.block(bx, by, plane).then((data) => {
              for (let row = y0; row < y1; row++) {
                const src = ((row - by * bh) * bw + (x0 - bx * bw)) * spp;
                const d = ((row - y + dy) * outStride + (x0 - x + dx)) * k;
                if (this.planar === 2) copyStrided(out, d + pi, k, data, src, 1, x1 - x0);
                else if (run && k === spp) out.set(data.subarray(src, src + (x1 - x0) * spp), d);
                else for (let c = 0; c < k; c++) copyStrided(out, d + c, k, data, src + samples[c], spp, x1 - x0);
              }
            }),
          );
        });
      }
    }
    await Promise.all(jobs);
  }
}

/** Bits of sample `i`; a BitsPerSample tag with fewer values than samples (corrupt, or one value for all) repeats its first. */
export function sampleBits(image: GeoTIFFImage, i: number): number {
  return image.getBitsPerSample(i) ?? image.getBitsPerSample(0);
}

/** Kept apart (and small) so V8 optimises it per array type instead of going megamorphic. */
function copyStrided(dst: TypedArray, d: number, dStep: number, src: TypedArray, s: number, sStep: number, count: number): void {
  for (let i = 0; i < count; i++, d += dStep, s += sStep) dst[d] = src[s];
}

function swapBytes(arr: TypedArray): void {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  const n = arr.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += n) {
    for (let a = i, b = i + n - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
