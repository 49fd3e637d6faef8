import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_REQUESTS } from '../http/malformed-requests.js';
import { createRouter, type Router } from './router.js';
import { rawExchange, send, startLaxUpstream, startRawUpstream } from './test-helpers.js';

/** Requests the router must refuse before any byte of them can reach an upstream that reads lines loosely. */
describe('request smuggling (RFC 9112 strictness, issue 14)', () => {
  let lax: Awaited<ReturnType<typeof startLaxUpstream>>;
  let router: Router;

  beforeAll(async () => {
    lax = await startLaxUpstream();
    router = await createRouter({
      blue: [lax.url],
      green: [],
      healthCheck: { intervalMs: 0 },
      limits: { maxBodyBytes: 1024 },
    });
  });
  afterAll(async () => {
    await router.close(100);
    await lax.close();
  });

  const smuggle = MALFORMED_REQUESTS[0].bytes;

  it('the lax upstream really reads the smuggling case as two requests (the test can fail)', async () => {
    const before = lax.requestLines.length;
    const answers = await rawExchange(lax.port, smuggle, 300);
    expect(lax.requestLines.slice(before)).toEqual(['POST / HTTP/1.1', 'GET /smuggled HTTP/1.1']);
    expect(answers).toContain('/smuggled');
  });

  it.each(MALFORMED_REQUESTS)('refuses $name with $status, and nothing of it is forwarded', async (c) => {
    const before = lax.requestLines.length;
    const answer = await rawExchange(router.port, c.bytes);
    expect(answer.slice(0, 12)).toBe(`HTTP/1.1 ${c.status}`);
    expect(answer).toMatch(c.status === 501 ? /GL_ROUTER_NOT_IMPLEMENTED/ : /GL_ROUTER_BAD_REQUEST/);
    expect(lax.requestLines.slice(before)).toEqual([]);
    // and the router still serves
    expect((await send(router.url, { path: '/after' })).body).toBe('/after');
  });

  it('refuses a chunk declared larger than --max-body with 413 at its size line, before its data', async () => {
    const answer = await rawExchange(
      router.port,
      'POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40000000\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 [\s\S]*GL_ROUTER_BODY_TOO_LARGE/);
  });

  it('forwards an HTTP/1.0 request without Host with one added, and never a second', async () => {
    const answer = await rawExchange(router.port, 'GET /ten HTTP/1.0\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*\/ten$/);
  });
});

/** Bad upstream answers, by path: each must become a 502 and its connection must never carry another request. */
const BAD_RESPONSES: Record<string, string> = {
  '/trailer-smuggle':
    'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\nHTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\nsmuggled',
  '/cl-and-te': 'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
  '/repeated-cl': 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 2\r\n\r\nok',
  '/te-on-1.0': 'HTTP/1.0 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  '/chunk-bare-lf': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n',
  '/chunked-twice': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
  '/control-byte': 'HTTP/1.1 200 OK\r\nx-a: b\x01c\r\ncontent-length: 2\r\n\r\nok',
  '/reason-control-byte': 'HTTP/1.1 200 O\x01K\r\ncontent-length: 2\r\n\r\nok',
};

describe('upstream responses are held to the same rules', () => {
  let connections = 0;
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  let router: Router;

  beforeAll(async () => {
    upstream = await startRawUpstream((s: net.Socket) => {
      connections++;
      let seen = '';
      s.on('data', (d) => {
        seen += d.toString('latin1');
        const end = seen.indexOf('\r\n\r\n');
        if (end < 0) return;
        const path = seen.split(' ')[1];
        seen = seen.slice(end + 4);
        // every answer in one write, so the router sees the whole of it before its first byte goes out
        s.write(BAD_RESPONSES[path] ?? 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    router = await createRouter({
      blue: [upstream.url],
      green: [],
      healthCheck: { intervalMs: 0 },
      maxFailures: 1000,
    });
  });
  afterAll(async () => {
    await router.close(100);
    await upstream.close();
  });

  it.each(Object.keys(BAD_RESPONSES))(
    'answers 502 to %s and discards that upstream connection',
    async (path) => {
      const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
      expect((await send(router.url, { path: '/ok', agent })).status).toBe(200);
      const opened = connections;
      const bad = await send(router.url, { path, agent });
      expect(bad.status).toBe(502);
      expect(bad.body).toContain('GL_ROUTER_UPSTREAM_BAD_RESPONSE');
      // the next request needs a new upstream connection: the bad one was not returned to the pool
      const next = await send(router.url, { path: '/ok', agent });
      expect(next.body).toBe('ok');
      expect(connections).toBe(opened + 1);
      agent.destroy();
    },
  );
});
