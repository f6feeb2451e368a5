const CLEAR = 256;
const EOI = 257;
const FIRST = 258;
const MAX_CODES = 4096;

/**
 * Decodes TIFF LZW (MSB-first codes of 9–12 bits with "early change"). geotiff's own LZW decoder
 * runs ~4 MB/s here; this one keeps the dictionary in typed arrays and writes each string
 * straight into the output. Decoding stops once `maxSize` bytes are out (a block's declared
 * size), as libtiff does: LZW expands up to ~2700:1, so a tiny hostile stream could otherwise
 * claim gigabytes.
 */
export function lzwDecode(input: Uint8Array, maxSize = Infinity): Uint8Array {
  const prefix = new Uint16Array(MAX_CODES);
  const suffix = new Uint8Array(MAX_CODES);
  const length = new Uint16Array(MAX_CODES);
  const first = new Uint8Array(MAX_CODES);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let out = new Uint8Array(Math.min(maxSize, Math.max(input.length * 4, 16)));
  let pos = 0;
  let next = FIRST;
  let codeLen = 9;
  let old = -1;
  let bitBuf = 0;
  let bitCount = 0;
  let inPos = 0;
  const n = input.length;

  for (;;) {
    while (bitCount < codeLen) {
      // Past the end reads zeros, as libtiff does for streams missing their EOI code.
      bitBuf = ((bitBuf << 8) | (inPos < n ? input[inPos] : 0)) & 0xffffff;
      inPos++;
      bitCount += 8;
    }
    bitCount -= codeLen;
    const code = (bitBuf >>> bitCount) & ((1 << codeLen) - 1);
    if (inPos > n + 2) break;
    if (code === EOI) break;
    if (code === CLEAR) {
      next = FIRST;
      codeLen = 9;
      old = -1;
      continue;
    }
    let entry: number;
    if (code < next) {
      entry = code;
      if (old >= 0 && next < MAX_CODES) {
        prefix[next] = old;
        suffix[next] = first[code];
        length[next] = length[old] + 1;
        first[next] = first[old];
        next++;
      }
    } else if (code === next && old >= 0) {
      // The KwKwK case: the code being defined is used at once.
      prefix[next] = old;
      suffix[next] = first[old];
      length[next] = length[old] + 1;
      first[next] = first[old];
      entry = next;
      next++;
    } else {
      throw new Error(`corrupt LZW data (code ${code} before it was defined)`);
    }
    const len = length[entry];
    if (pos + len > out.length && out.length < maxSize) {
      const grown = new Uint8Array(Math.min(maxSize, Math.max(out.length * 2, pos + len)));
      grown.set(out);
      out = grown;
    }
    // The string is written from its end; a part past `maxSize` is dropped.
    let c = entry;
    for (let i = pos + len - 1; i >= pos; i--) {
      if (i < out.length) out[i] = suffix[c];
      c = prefix[c];
    }
    pos = Math.min(pos + len, out.length);
    if (pos >= maxSize) break;
    old = entry;
    if (next >= (1 << codeLen) - 1 && codeLen < 12) codeLen++;
  }
  return out.subarray(0, pos);
}
