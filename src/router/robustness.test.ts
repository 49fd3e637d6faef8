import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import {
  deadPort,
  rawExchange,
  send,
  startRawUpstream,
  startUpstream,
  type Upstream,
} from './test-helpers.js';

const ok = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';

/** Raw replies by request path; `null` = hang, `reset` = TCP RST. */
const REPLIES: Record<string, string | null> = {
  '/garbage': 'this is not http\r\n\r\n',
  '/hang': null,
  '/half': 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort',
  '/badchunk': 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n',
  '/badlength': 'HTTP/1.1 200 OK\r\ncontent-length: abc\r\n\r\n',
  '/close-delimited': 'HTTP/1.1 200 OK\r\n\r\nuntil-close',
};
/** Replies that keep the connection open after writing. */
const KEEP_OPEN: Record<string, string> = {
  '/upgrade': 'HTTP/1.1 101 Switching Protocols\r\nupgrade: x\r\n\r\n',
  '/extra': `${ok}GARBAGE`,
};

/** An upstream whose behaviour is selected by the request path. */
function misbehave(s: import('node:net').Socket): void {
  let seen = '';
  s.on('data', (d) => {
    seen += d.toString('latin1');
    if (!seen.includes('\r\n\r\n')) return;
    const path = seen.split(' ')[1];
    seen = '';
    if (path === '/reset') s.resetAndDestroy();
    else if (path in REPLIES) {
      const reply = REPLIES[path];
      if (reply !== null) s.end(reply);
    } else s.write(KEEP_OPEN[path] ?? ok);
  });
}

describe('robustness', () => {
  let bad: Awaited<ReturnType<typeof startRawUpstream>>;
  let good: Upstream;
  let router: Router;

  beforeAll(async () => {
    bad = await startRawUpstream(misbehave);
    good = await startUpstream('green', 'v2');
    router = await createRouter({
      blue: [bad.url],
      green: [good.url],
      healthCheck: { intervalMs: 0 },
      maxFailures: 1000,
      limits: { upstreamTimeoutMs: 300, headersTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    await router.close(100);
    await bad.close();
    await good.close();
  });

  const alive = async () => {
    const r = await send(router.url, { path: '/fine' });
    expect(r.status).toBe(200);
    expect(r.body).toBe('ok');
  };

  it.each([
    ['nonsense', 'hello world\r\n\r\n'],
    ['bad version', 'GET / HTTP/9.9\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n'],
    ['space before colon', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n'],
    [
      'CL and TE (smuggling)',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['conflicting CL', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'],
    ['negative CL', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    ['unknown TE', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n'],
    ['bad chunk size', 'POST /fine HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n'],
    ['binary', Buffer.from([0, 1, 2, 255, 13, 10, 13, 10])],
  ])('answers 400 to a malformed request (%s) and keeps serving', async (_name, bytes) => {
    const r = await rawExchange(router.port, bytes);
    expect(r).toMatch(/^HTTP\/1\.1 400 /);
    expect(r).toContain('GL_ROUTER_BAD_REQUEST');
    await alive();
  });

  it('answers 431 to an oversized head and 408 to a head that never completes', async () => {
    expect(await rawExchange(router.port, `GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
    expect(await rawExchange(router.port, 'GET / HTTP/1.1\r\nHost: x\r\n', 3000)).toMatch(/^HTTP\/1\.1 408 /);
    await alive();
  });

  it.each([
    ['/reset', 502, 'GL_ROUTER_UPSTREAM_UNAVAILABLE'],
    ['/garbage', 502, 'GL_ROUTER_UPSTREAM_BAD_RESPONSE'],
    ['/badlength', 502, 'GL_ROUTER_UPSTREAM_BAD_RESPONSE'],
    ['/upgrade', 502, 'GL_ROUTER_UPSTREAM_BAD_RESPONSE'],
    ['/hang', 504, 'GL_ROUTER_UPSTREAM_TIMEOUT'],
  ])('maps a misbehaving upstream (%s) to %i with a JSON error', async (path, status, code) => {
    const r = await send(router.url, { path, method: 'POST', body: '' });
    expect(r.status).toBe(status);
    expect(JSON.parse(r.body)).toMatchObject({ code });
    await alive();
  });

  it('cuts the client off when the upstream fails after the response started', async () => {
    const half = await rawExchange(router.port, 'GET /half HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(half).toMatch(/^HTTP\/1\.1 200 /);
    expect(half.endsWith('short')).toBe(true);
    // bad framing detected in the first packet is caught before anything reached the client
    const chunk = await rawExchange(
      router.port,
      'GET /badchunk HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(chunk).toMatch(/^HTTP\/1\.1 502 /);
    await alive();
  });

  it('relays a close-delimited response and closes the client connection', async () => {
    const r = await rawExchange(router.port, 'GET /close-delimited HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(r).toMatch(/^HTTP\/1\.1 200 /);
    expect(r.toLowerCase()).toContain('connection: close');
    expect(r.endsWith('until-close')).toBe(true);
  });

  it('answers 502 to an upstream that sent bytes past the response, and does not reuse it', async () => {
    // in the same read as the response: llhttp refuses such a stream too, so the router does not guess
    const r = await send(router.url, { path: '/extra' });
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body).code).toBe('GL_ROUTER_UPSTREAM_BAD_RESPONSE');
    await alive();
  });

  it('answers 502 with a JSON error when the upstream refuses connections', async () => {
    const r2 = await createRouter({
      blue: [`http://127.0.0.1:${await deadPort()}`],
      green: [good.url],
      healthCheck: { intervalMs: 0 },
    });
    try {
      const r = await send(r2.url);
      expect(r.status).toBe(502);
      expect(r.headers['content-type']).toBe('application/json');
      expect(JSON.parse(r.body).code).toBe('GL_ROUTER_UPSTREAM_UNAVAILABLE');
      // a refused color never silently falls over to the other color
      expect(good.seen).toHaveLength(0);
    } finally {
      await r2.close(100);
    }
  });

  it('survives clients that vanish mid-request and mid-response', async () => {
    await rawExchange(router.port, 'POST /fine HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc', 50);
    await rawExchange(router.port, 'GET /hang HTTP/1.1\r\nHost: x\r\n\r\n', 50);
    await alive();
    const s = await router.state();
    expect(s.colors.blue.inFlight).toBe(0);
  });
});
