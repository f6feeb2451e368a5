import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

/** Writes a hand-made malformed input and returns its path. */
export function writeCase(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** 64 MiB of zeros as a ~64 KB DEFLATE stream: a decompression bomb for a 3 KB tile. */
export function inflateBomb(): Uint8Array {
  return new Uint8Array(deflateSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
}
