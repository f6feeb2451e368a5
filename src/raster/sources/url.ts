/** Apart from files.ts (which loads geotiff), for the CLI's argument checks at start-up. */
export function isUrl(pathOrUrl: string): boolean {
  return /^https?:\/\//i.test(pathOrUrl);
}
