#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('satcount: not built yet; run `npm run build` in the satcount folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv);
