#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('satcount: not built yet; run `npm run build` in the satcount folder first\n');
  process.exit(2);
}
// Until the CLI has loaded and installed its own handlers, a signal still exits the documented way.
const early = (signal) => {
  process.stderr.write(`satcount: interrupted (${signal})\n`);
  process.exit(130);
};
process.once('SIGINT', early);
process.once('SIGTERM', early);
const { main } = await import(entry.href);
await main(process.argv);
