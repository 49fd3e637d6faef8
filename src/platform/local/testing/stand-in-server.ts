import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

/**
 * A tiny stand-in for `greenlight serve` used by the local platform's tests: same flags, same
 * health/ready/predict/metrics endpoints, same SIGTERM behaviour, no ONNX Runtime. A model file
 * whose content starts with "corrupt" (or that is missing) makes it exit 1, like a real server
 * that cannot load its model. STAND_IN_READY_MS delays readiness.
 */
const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== 'serve'),
  options: {
    model: { type: 'string' },
    version: { type: 'string' },
    port: { type: 'string' },
    name: { type: 'string' },
    warmup: { type: 'string' },
    host: { type: 'string' },
  },
  strict: false,
});

const model = String(values.model ?? '');
const version = String(values.version ?? 'v0');
if (!existsSync(model) || readFileSync(model, 'utf8').startsWith('corrupt')) {
  console.error(`stand-in: cannot load model ${model}`);
  process.exit(1);
}

let ready = false;
let draining = false;
let requests = 0;
const server = createServer((req, res) => {
  res.setHeader('x-model-version', version);
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/health') return send(200, { status: 'ok', version });
  if (req.url === '/ready') return send(ready && !draining ? 200 : 503, { ready: ready && !draining });
  if (req.url === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(
      `process_resident_memory_bytes ${process.memoryUsage().rss}\nstand_in_requests_total ${requests}\n`,
    );
    return;
  }
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    requests++;
    const spam = body.toLowerCase().includes('free');
    send(200, { label: spam ? 'spam' : 'ham', score: 0.9, model_version: version });
  });
});

server.listen(Number(values.port ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(`listening on http://127.0.0.1:${port} (stand-in, version ${version})`);
  setTimeout(
    () => {
      ready = true;
    },
    Number(process.env.STAND_IN_READY_MS ?? 100),
  );
});

process.on('SIGTERM', () => {
  draining = true;
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
