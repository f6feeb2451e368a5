import { inflateSync } from 'node:zlib';
import { addDecoder, BaseDecoder } from 'geotiff';
import { lzwDecode } from './lzw.js';

/**
 * geotiff's own DEFLATE decoder (pako) runs ~34 MB/s here; node:zlib runs ~240 MB/s on the same
 * bytes. Subclassing BaseDecoder keeps geotiff's predictor handling (2 and 3) unchanged.
 */
/** Largest block satcount decodes (bytes); with decoding capped at the declared size, this also bounds one block's decoding time. */
export const MAX_BLOCK_BYTES = 1024 ** 3;

/**
 * Decoded size of one tile or strip as its IFD declares it. Decoders never produce more, so a
 * decompression bomb (a tiny stream inflating to gigabytes) stops at the declared size.
 */
function declaredBlockBytes(p: BaseDecoder['parameters']): number {
  const bits = typeof p.bitsPerSample === 'number' ? [p.bitsPerSample] : Array.from(p.bitsPerSample ?? []);
  const pixelBits = p.planarConfiguration === 2 ? bits[0] : bits.reduce((a, b) => a + b, 0);
  const bytes = Math.ceil((p.tileWidth * pixelBits) / 8) * p.tileHeight;
  if (!(bytes > 0) || bytes > MAX_BLOCK_BYTES) {
    throw new Error(`a ${p.tileWidth}×${p.tileHeight} block of ${pixelBits}-bit pixels declares ${bytes} bytes; satcount decodes blocks of 1 byte to ${MAX_BLOCK_BYTES / 1024 ** 2} MiB`);
  }
  return bytes;
}

/**
 * Undoes horizontal differencing (predictor 2) on 8-bit samples in one pass per row: geotiff's
 * general predictor loop ran at ~160 MB/s on a corridor's blocks, about as long as inflating them.
 * Other predictors and sample sizes go through geotiff's.
 */
/** Three running sums in registers: ~1.7× the general loop on RGB rows. */
function unpredictRgbRow(bytes: Uint8Array, start: number, end: number): void {
  let r = bytes[start];
  let g = bytes[start + 1];
  let b = bytes[start + 2];
  for (let i = start + 3; i < end; i += 3) {
    r = (r + bytes[i]) & 0xff;
    g = (g + bytes[i + 1]) & 0xff;
    b = (b + bytes[i + 2]) & 0xff;
    bytes[i] = r;
    bytes[i + 1] = g;
    bytes[i + 2] = b;
  }
}

abstract class FastPredictorDecoder extends BaseDecoder {
  override async decode(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const p = this.parameters;
    const bits = typeof p.bitsPerSample === 'number' ? [p.bitsPerSample] : Array.from(p.bitsPerSample ?? []);
    if (p.predictor !== 2 || bits.length === 0 || bits.some((b) => b !== 8)) return super.decode(buffer);
    const decoded = await this.decodeBlock(buffer);
    const stride = p.planarConfiguration === 2 ? 1 : bits.length;
    const rowBytes = p.tileWidth * stride;
    const bytes = new Uint8Array(decoded);
    // A strip cut short at the image's end holds fewer rows than tileHeight.
    for (let start = 0; start + rowBytes <= bytes.length && start < p.tileHeight * rowBytes; start += rowBytes) {
      if (stride === 3) unpredictRgbRow(bytes, start, start + rowBytes);
      else for (let i = start + stride, end = start + rowBytes; i < end; i++) bytes[i] += bytes[i - stride];
    }
    return decoded;
  }
}

const INFLATE_CHUNK_MAX = 16 * 1024 ** 2;

class ZlibDeflateDecoder extends FastPredictorDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const max = declaredBlockBytes(this.parameters);
    let out: Buffer;
    try {
      // Inflating into one output chunk of the declared size (not 16 KB chunks joined after)
      // runs ~1.7× faster on 768 KB blocks; chunks stop at 16 MiB so a bomb cannot pre-allocate.
      out = inflateSync(new Uint8Array(buffer), { maxOutputLength: max, chunkSize: Math.min(max, INFLATE_CHUNK_MAX) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`a DEFLATE block inflates past its declared ${max} bytes`);
      throw e;
    }
    // An ArrayBuffer of exactly the decoded size: geotiff views it from offset 0. Large outputs
    // already have their own; small ones may sit in Node's shared pool and are copied out.
    return out.byteOffset === 0 && out.buffer.byteLength === out.byteLength ? out.buffer : out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

/** geotiff's LZW decoder runs ~4 MB/s here; see lzw.ts. */
class FastLzwDecoder extends FastPredictorDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = lzwDecode(new Uint8Array(buffer), declaredBlockBytes(this.parameters));
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}

/**
 * WebP tiles (compression 50001, GDAL's WEBP: NAIP and other COGs). geotiff decodes them with the
 * browser's createImageBitmap, which Node lacks; libvips (sharp) links libwebp. Each tile is one
 * whole WebP image of 3 (RGB) or 4 (RGBA) 8-bit samples, edge tiles padded to the full tile size.
 */
class SharpWebpDecoder extends BaseDecoder {
  override async decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> {
    const spp = this.parameters.samplesPerPixel ?? 3;
    if (spp !== 3 && spp !== 4) throw new Error(`WebP tiles hold 3 or 4 bands; this image declares ${spp}`);
    // libvips loads with the first WebP tile: other files never need it (start-up).
    const { default: sharp } = await import('sharp');
    const image = sharp(new Uint8Array(buffer), { limitInputPixels: MAX_BLOCK_BYTES });
    const { data, info } = await (spp === 4 ? image.ensureAlpha() : image.removeAlpha()).raw().toBuffer({ resolveWithObject: true });
    if (info.width !== this.parameters.tileWidth || info.height !== this.parameters.tileHeight) {
      throw new Error(`a WebP tile is ${info.width}×${info.height}, the image declares ${this.parameters.tileWidth}×${this.parameters.tileHeight}`);
    }
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  }
}

let registered = false;

/** Replaces geotiff's DEFLATE (8, 32946) and LZW (5) decoders with fast ones and its WebP (50001) one with one that runs in Node, once per process. */
export function registerFastDecoders(): void {
  if (registered) return;
  registered = true;
  addDecoder([8, 32946], async () => ZlibDeflateDecoder, undefined, false);
  addDecoder(5, async () => FastLzwDecoder, undefined, false);
  addDecoder(50001, async () => SharpWebpDecoder, undefined, false);
}
