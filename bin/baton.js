#!/usr/bin/env node
// The `baton` command: runs the compiled CLI (built by `npm ci` / `npm run build` into dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('baton: dist/ is missing; run `npm run build` (npm ci does it for you).\n');
  process.exit(1);
}
await import(main.href);
