import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../src/serving/http/server.js';
import type { Point } from './point.js';
import { runWrk } from './wrk.js';

const answer = JSON.stringify({ label: 'ham', score: 0.5, model_version: 'floor' });

/**
 * The cost of HTTP itself: a server that reads and parses the same JSON bodies and answers a
 * constant prediction, no model, on `lean` = the model server's own HTTP layer (src/serving/http)
 * or node:http. Its CPU per request is the part of the server's that no model work can remove.
 */
export async function measureHttpFloor(
  script: string,
  concurrency: number,
  seconds: number,
  lean: boolean,
): Promise<Point> {
  let requests = 0;
  const server = lean ? await leanServer(() => requests++) : await nodeServer(() => requests++);
  try {
    const cpu = process.cpuUsage();
    const point = await runWrk(server.url, script, concurrency, seconds);
    const used = process.cpuUsage(cpu);
    point.cpuUsPerRequest = (used.user + used.system) / requests;
    return point;
  } finally {
    await server.close();
  }
}

async function leanServer(count: () => void) {
  const server = createHttpServer({
    bodyLimit: 1024 * 1024,
    fixedFields: 'x-model-version: floor\r\n',
    handler: (req) => {
      JSON.parse(req.body!.toString('utf8'));
      count();
      req.respond(200, 'application/json', answer);
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => server.close(0) };
}

async function nodeServer(count: () => void) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      count();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
