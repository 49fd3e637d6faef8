#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('greenlight: not built yet; run `npm run build` (npm install does it for you)');
  process.exit(2);
}
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
