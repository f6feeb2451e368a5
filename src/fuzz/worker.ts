import type { FuzzCase } from './cases.js';
import { checkCase, type CheckContext } from './check.js';

/** Runs the cases it is sent, one at a time, in a process the parent can kill when one hangs. */
const ctx = JSON.parse(process.argv[2]) as CheckContext;
process.on('message', (c: FuzzCase) => {
  void checkCase(c, ctx).then((outcome) => process.send!({ id: c.id, outcome }));
});
