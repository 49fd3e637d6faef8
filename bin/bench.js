#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs dist/bench/NAME.js (compiled from bench/NAME.ts).
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../dist/bench/', import.meta.url));
const [name, ...args] = process.argv.slice(2);
const names = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js') && !f.includes('.test.')).map((f) => f.slice(0, -3)) : [];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|') || 'nothing built: npm run build'}> [args]`);
  process.exit(2);
}
const mod = await import(`${dir}${name}.js`);
process.exitCode = (await mod.main(args)) ?? 0;
