import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Point } from './point.js';
import { runWrk } from './wrk.js';

/**
 * The cost of node:http itself: a server that reads and parses the same JSON bodies and answers a
 * constant prediction, no model. Its CPU per request is the part of the server's that no serving
 * code can remove; when it is close to the model's own cost, the 0.8× target is out of reach.
 */
export async function measureHttpFloor(script: string, concurrency: number, seconds: number): Promise<Point> {
  const answer = JSON.stringify({ label: 'ham', score: 0.5, model_version: 'floor' });
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      requests++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const cpu = process.cpuUsage();
    const point = await runWrk(url, script, concurrency, seconds);
    const used = process.cpuUsage(cpu);
    point.cpuUsPerRequest = (used.user + used.system) / requests;
    return point;
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
