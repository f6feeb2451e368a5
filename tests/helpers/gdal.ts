import { execFileSync } from 'node:child_process';

/** gdal-bin is optional: tests that cross-check with GDAL skip without it. */
export const hasGdal = (() => {
  try {
    execFileSync('gdalinfo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
