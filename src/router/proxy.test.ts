import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { rawExchange, send, startUpstream, type Upstream } from './test-helpers.js';

describe('proxying', () => {
  let up: Upstream;
  let router: Router;

  beforeAll(async () => {
    up = await startUpstream('blue', 'v1', (req, res) => {
      if (req.url === '/chunked') {
        res.setHeader('connection', 'x-secret');
        res.setHeader('x-secret', 'hop');
        res.setHeader('keep-alive', 'timeout=5');
        res.write('part1-');
        setTimeout(() => res.end('part2'), 5);
        return;
      }
      if (req.url === '/big') {
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let n = 0;
        const pump = () => {
          while (n < 64 && res.write(chunk)) n++;
          if (n++ < 64) res.once('drain', pump);
          else res.end();
        };
        return pump();
      }
      if (req.url?.startsWith('/pattern/')) {
        // 4 MiB of bytes that differ per seed and per position, written as fast as the router takes them
        const seed = Number(req.url.slice('/pattern/'.length));
        let n = 0;
        const pump = () => {
          while (n < 64) {
            const chunk = patternChunk(seed, n++);
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      if (req.url === '/sha') {
        return res.end(createHash('sha256').update(req.body).digest('hex'));
      }
      if (req.url === '/empty') {
        res.statusCode = 204;
        return res.end();
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ headers: req.headers, body: req.body, method: req.method }));
    });
    router = await createRouter({
      blue: [up.url],
      green: [up.url],
      healthCheck: { intervalMs: 0 },
      limits: { maxBodyBytes: 8 * 1024 * 1024 },
    });
  });
  afterAll(async () => {
    await router.close(100);
    await up.close();
  });

  it('strips hop-by-hop request fields (RFC 9110 §7.6.1) and adds X-Forwarded-For', async () => {
    const r = await rawExchange(
      router.port,
      'GET /h HTTP/1.1\r\nHost: x\r\nConnection: close, X-Private\r\nX-Private: 1\r\nKeep-Alive: 5\r\n' +
        'TE: trailers\r\nUpgrade: websocket\r\nProxy-Authorization: Basic x\r\nX-Forwarded-For: 10.0.0.1\r\nX-Keep: yes\r\n\r\n',
    );
    const body = JSON.parse(r.slice(r.indexOf('\r\n\r\n') + 4));
    const h = body.headers;
    expect(h['x-keep']).toBe('yes');
    for (const gone of ['x-private', 'keep-alive', 'te', 'upgrade', 'proxy-authorization'])
      expect(h[gone]).toBeUndefined();
    expect(h.connection ?? '').not.toMatch(/x-private/i);
    expect(h['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(r).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.toLowerCase()).toContain('connection: close');
  });

  it('strips hop-by-hop response fields and relays a chunked response', async () => {
    const r = await send(router.url, { path: '/chunked' });
    expect(r.body).toBe('part1-part2');
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers['x-secret']).toBeUndefined();
    expect(r.headers['keep-alive']).toBeUndefined();
    expect(r.headers['x-greenlight-color']).toBe('blue');
  });

  it('relays a chunked request body', async () => {
    const r = await rawExchange(
      router.port,
      'POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n',
    );
    expect(JSON.parse(r.slice(r.indexOf('\r\n\r\n') + 4)).body).toBe('hello world');
  });

  it('streams large bodies both ways', async () => {
    const big = await send(router.url, { path: '/big' });
    expect(big.body.length).toBe(64 * 64 * 1024);
    const payload = Buffer.alloc(5 * 1024 * 1024, 'abc');
    const r = await send(router.url, { path: '/sha', body: payload });
    expect(r.body).toBe(createHash('sha256').update(payload).digest('hex'));
  });

  it('relays large responses byte for byte to slow readers on concurrent connections', async () => {
    // each response fills the client's socket buffers, so the router pauses and resumes its
    // upstream reads (backpressure) while the other exchange reads through the same backend
    const fetchSlowly = (seed: number) =>
      new Promise<string>((resolve, reject) => {
        const req = http.get(`${router.url}/pattern/${seed}`, { agent: false }, (res) => {
          res.pause();
          const hash = createHash('sha256');
          setTimeout(() => {
            res.on('data', (d: Buffer) => hash.update(d));
            res.on('end', () => resolve(hash.digest('hex')));
            res.resume();
          }, 100);
        });
        req.on('error', reject);
      });
    const expected = (seed: number) => {
      const hash = createHash('sha256');
      for (let n = 0; n < 64; n++) hash.update(patternChunk(seed, n));
      return hash.digest('hex');
    };
    const [a, b] = await Promise.all([fetchSlowly(1), fetchSlowly(2)]);
    expect(a).toBe(expected(1));
    expect(b).toBe(expected(2));
  });

  it('answers 413 to a body over the limit, by Content-Length or while streaming chunks', async () => {
    const byLength = await rawExchange(
      router.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n',
    );
    expect(byLength).toMatch(/^HTTP\/1\.1 413 /);
    expect(byLength).toContain('GL_ROUTER_BODY_TOO_LARGE');
    const agent = new http.Agent();
    const r = await new Promise<number>((resolve) => {
      const req = http.request(`${router.url}/sha`, { method: 'POST', agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(-1));
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 9; i++) req.write(chunk);
      req.end();
    });
    expect([413, -1]).toContain(r);
    agent.destroy();
    expect((await send(router.url)).status).toBe(200);
  });

  it('answers pipelined requests in order', async () => {
    const r = await rawExchange(
      router.port,
      'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const statuses = r.match(/HTTP\/1\.1 \d{3}/g);
    expect(statuses).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200']);
    const methods = [...r.matchAll(/"method":"(\w+)"/g)].map((m) => m[1]);
    expect(methods).toEqual(['GET', 'POST', 'GET']);
    expect(r).toContain('"body":"abc"');
  });

  it('handles HEAD and 204 responses without a body', async () => {
    const head = await send(router.url, { method: 'HEAD', path: '/' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const empty = await send(router.url, { path: '/empty' });
    expect(empty.status).toBe(204);
    // the connection is still usable afterwards
    expect((await send(router.url)).status).toBe(200);
  });

  it('serves HTTP/1.0 clients', async () => {
    const r = await rawExchange(router.port, 'GET /old HTTP/1.0\r\n\r\n');
    expect(r).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(r.slice(r.indexOf('\r\n\r\n') + 4)).headers.host).toMatch(/^127\.0\.0\.1:/);
  });
});

/** 64 KiB chunk `n` of the /pattern/<seed> body: no two chunks or seeds alike. */
function patternChunk(seed: number, n: number): Buffer {
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + n * 7 + seed * 101) % 251;
  return chunk;
}
