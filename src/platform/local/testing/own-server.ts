import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeSpec } from '../../../spec/types.js';

/**
 * A third-party-style model server for tests of `command` slots: its own paths (/healthz,
 * /status, POST /predict), its port from $PORT, its version as argv[2], its readiness in a JSON
 * field. READY_AFTER_MS < 0 = never ready. Plain CommonJS so `node FILE` runs it as written.
 */
const SCRIPT = `
const http = require('node:http');
const version = process.argv[2];
let ready = false;
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url === '/healthz') return res.end(JSON.stringify({ alive: true }));
  if (req.url === '/status') return res.end(JSON.stringify({ state: ready ? 'ok' : 'loading', version }));
  if (req.url === '/whoami') return res.end(JSON.stringify({ cwd: process.cwd(), seed: process.env.SEED, version }));
  if (req.url === '/predict') {
    req.resume();
    return req.on('end', () => res.end(JSON.stringify({ label: 'ok', version })));
  }
  res.statusCode = 404;
  res.end('{}');
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  const after = Number(process.env.READY_AFTER_MS ?? 50);
  if (after >= 0) setTimeout(() => { ready = true; }, after);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** Its readiness rule, as a spec would write it. */
export const OWN_READY: ProbeSpec = { path: '/status', status: 200, jsonField: 'state', equals: 'ok' };

/** Write the server into `dir`; returns its path. */
export function writeOwnServer(dir: string): string {
  const file = join(dir, 'own-server.cjs');
  writeFileSync(file, SCRIPT);
  return file;
}
