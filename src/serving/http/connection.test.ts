import { afterEach, describe, expect, it } from 'vitest';
import { MALFORMED_REQUESTS } from '../../http/malformed-requests.js';
import { rawClient } from './raw-client.js';
import type { HttpRequest } from './request.js';
import { createHttpServer, type HttpServerOptions } from './server.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** An echo server: answers each request with its method, target and body; `/slow` waits for `release()`. */
async function start(opts: Partial<HttpServerOptions> = {}) {
  const held: HttpRequest[] = [];
  const answer = (req: HttpRequest) =>
    req.respond(
      200,
      'application/json',
      JSON.stringify({ method: req.method, target: req.target, body: req.body?.toString('utf8') ?? null }),
    );
  const server = createHttpServer({
    handler: (req) => (req.target === '/slow' ? held.push(req) : answer(req)),
    bodyLimit: 100,
    fixedFields: 'x-model-version: v9\r\n',
    ...opts,
  });
  const port = await server.listen(0, '127.0.0.1');
  cleanup.push(() => server.close(1000));
  const client = async () => {
    const c = await rawClient(port);
    cleanup.push(() => void c.socket.destroy());
    return c;
  };
  return { server, port, client, release: () => held.splice(0).forEach(answer), held };
}

const post = (body: string, extra = '') =>
  `POST /p HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('keep-alive and HTTP versions', () => {
  it('answers several requests on one connection, each with x-model-version and Date', async () => {
    const s = await start();
    const c = await s.client();
    c.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    const [first] = await c.responses(1);
    c.write(post('{"x":1}'));
    const [, second] = await c.responses(2);
    expect(JSON.parse(first.body)).toEqual({ method: 'GET', target: '/a', body: '' });
    expect(JSON.parse(second.body)).toEqual({ method: 'POST', target: '/p', body: '{"x":1}' });
    expect(second.headers['x-model-version']).toBe('v9');
    expect(second.headers.date).toMatch(/GMT$/);
    expect(second.headers.connection).toBeUndefined();
  });

  it('closes after an HTTP/1.0 request unless it asked for keep-alive', async () => {
    const s = await start();
    const kept = await s.client();
    kept.write('GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await kept.responses(1))[0].headers.connection).toBe('keep-alive');
    kept.write('GET /b HTTP/1.0\r\n\r\n');
    const answers = await kept.responses(2);
    expect(answers[1].headers.connection).toBe('close');
    await kept.closed;
  });

  it('closes after a response to `Connection: close`, ignoring anything sent after it', async () => {
    const s = await start();
    const c = await s.client();
    c.write('GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.closed;
    const answers = await c.responses(2);
    expect(answers.map((a) => JSON.parse(a.body).target)).toEqual(['/a']);
    expect(answers[0].headers.connection).toBe('close');
  });

  it('still answers a client that shut its sending side after the request', async () => {
    const s = await start();
    const c = await s.client();
    c.socket.end('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.held.length === 1);
    s.release();
    await c.closed;
    expect((await c.responses(1))[0].status).toBe(200);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const s = await start();
    const c = await s.client();
    c.write('HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    const [head, get] = await c.responses(2, 1);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body).toBe('');
    expect(JSON.parse(get.body).target).toBe('/b');
  });
});

describe('pipelining', () => {
  it('answers pipelined requests in request order, even when a later one is ready first', async () => {
    const s = await start();
    const c = await s.client();
    c.write(`GET /slow HTTP/1.1\r\nHost: x\r\n\r\n${post('{"n":2}')}GET /c HTTP/1.1\r\nHost: x\r\n\r\n`);
    await until(() => s.held.length === 1);
    expect(c.received()).toBe(''); // the later answers wait for the first
    s.release();
    const answers = await c.responses(3);
    expect(answers.map((a) => JSON.parse(a.body).target)).toEqual(['/slow', '/p', '/c']);
  });

  it('parses the same requests whatever the packet boundaries', async () => {
    const stream = `${post('{"a":"b"}')}GET /x?y=1 HTTP/1.1\r\nHost: x\r\n\r\n${post('', 'Expect: 100-continue\r\n')}`;
    const s = await start();
    for (const step of [1, 2, 7, 50]) {
      const c = await s.client();
      for (let i = 0; i < stream.length; i += step) {
        c.write(stream.slice(i, i + step));
        await new Promise((r) => setImmediate(r));
      }
      const answers = await c.responses(3);
      expect(answers.map((a) => JSON.parse(a.body))).toEqual([
        { method: 'POST', target: '/p', body: '{"a":"b"}' },
        { method: 'GET', target: '/x?y=1', body: '' },
        { method: 'POST', target: '/p', body: '' },
      ]);
    }
  });

  it('ignores empty lines before a request line (RFC 9112 §2.2)', async () => {
    const s = await start();
    const c = await s.client();
    c.write(`${post('{}')}\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n`);
    const answers = await c.responses(2);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});

describe('request bodies', () => {
  it('reads a chunked body, with extensions and trailers, split anywhere', async () => {
    const s = await start();
    const c = await s.client();
    const msg =
      'POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '4;ext=1\r\n{"a"\r\n5\r\n:"b"}\r\n0\r\nX-Trailer: 1\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n';
    for (const ch of msg) c.write(ch);
    const [a, b] = await c.responses(2);
    expect(JSON.parse(a.body).body).toBe('{"a":"b"}');
    expect(JSON.parse(b.body).target).toBe('/next');
  });

  it('hands the handler no body when Content-Length is over the limit, and keeps the connection', async () => {
    const s = await start();
    const c = await s.client();
    c.write(post('z'.repeat(150)));
    c.write('GET /after HTTP/1.1\r\nHost: x\r\n\r\n');
    const [big, after] = await c.responses(2);
    expect(JSON.parse(big.body).body).toBeNull();
    expect(JSON.parse(after.body).target).toBe('/after');
  });

  it('refuses a chunked body that grows over the limit, reads past it, and keeps the connection', async () => {
    const s = await start();
    const c = await s.client();
    c.write('POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    c.write('40\r\n'.concat('y'.repeat(64), '\r\n'));
    c.write('40\r\n'.concat('y'.repeat(64), '\r\n'));
    const [refused] = await c.responses(1);
    expect(JSON.parse(refused.body).body).toBeNull();
    c.write('40\r\n'.concat('y'.repeat(64), '\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n'));
    const answers = await c.responses(2);
    expect(JSON.parse(answers[1].body).target).toBe('/after');
  });

  it('sends 100 Continue before reading a body the client holds back', async () => {
    const s = await start();
    const c = await s.client();
    c.write('POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
    const [interim] = await c.responses(1);
    expect(interim.status).toBe(100);
    c.write('{}');
    const [, final] = await c.responses(2);
    expect(JSON.parse(final.body).body).toBe('{}');
  });

  it('refuses up front, without 100 Continue, a declared body over the limit, then closes', async () => {
    const s = await start();
    const c = await s.client();
    c.write('POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n');
    await c.closed;
    const answers = await c.responses(2);
    expect(answers.map((a) => a.status)).toEqual([200]);
    expect(JSON.parse(answers[0].body).body).toBeNull();
    expect(answers[0].headers.connection).toBe('close');
  });
});

describe('malformed input: 400, 431 or 408 with a JSON error, then close', () => {
  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['an unsupported version', 'GET / HTTP/2.0\r\n\r\n', 400],
    ['a bare LF', 'GET / HTTP/1.1\nHost: x\r\n\r\n', 400],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n', 400],
    [
      'conflicting Content-Length',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      400,
    ],
    [
      'Content-Length with chunked',
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      400,
    ],
    ['a non-chunked Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['a bad chunk size', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['an oversized head', `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['an oversized head still arriving', `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}`, 431],
  ])('%s', async (_, bytes, status) => {
    const s = await start();
    const c = await s.client();
    c.write(bytes);
    await c.closed;
    const [answer] = await c.responses(1);
    expect(answer.status).toBe(status);
    expect(answer.headers['x-model-version']).toBe('v9');
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body).error).toEqual(expect.any(String));
  });

  it.each(MALFORMED_REQUESTS)('refuses $name with $status, as the router does', async (m) => {
    const s = await start();
    const c = await s.client();
    c.write(m.bytes);
    await c.closed;
    const [answer] = await c.responses(1);
    // the handler never saw it: the one answer is the refusal
    expect(answer.status).toBe(m.status);
    expect(JSON.parse(answer.body).error).toMatch(/^bad request: /);
  });

  it('answers what it owes before refusing a malformed pipelined request', async () => {
    const s = await start();
    const c = await s.client();
    c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\nBAD\r\n\r\n');
    await until(() => s.held.length === 1);
    s.release();
    await c.closed;
    expect((await c.responses(2)).map((a) => a.status)).toEqual([200, 400]);
  });

  it('never crashes on random bytes, and keeps serving other connections', async () => {
    const s = await start({ maxHeadBytes: 512 });
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const alphabet = [
      'GET ',
      'POST ',
      ' HTTP/1.1',
      '\r\n',
      '\r',
      '\n',
      ':',
      'Content-Length: ',
      'Transfer-Encoding: chunked',
      '0',
      '9',
      'f',
      ' ',
      '\0',
      'é',
      'x',
    ];
    for (let round = 0; round < 60; round++) {
      const c = await s.client();
      const parts: string[] = [];
      for (let i = 0; i < 40; i++) {
        parts.push(
          random() < 0.3
            ? String.fromCharCode(Math.floor(random() * 256))
            : alphabet[Math.floor(random() * alphabet.length)],
        );
      }
      c.write(Buffer.from(parts.join(''), 'latin1'));
      c.socket.end();
      await c.closed;
    }
    const c = await s.client();
    c.write('GET /alive HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await c.responses(1))[0].status).toBe(200);
  });
});

describe('timeouts', () => {
  it('refuses a head that does not arrive in time with 408 (slowloris)', async () => {
    const s = await start({ headersTimeoutMs: 30 });
    const c = await s.client();
    c.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    await c.closed;
    expect((await c.responses(1))[0].status).toBe(408);
  });

  it('refuses a body that does not arrive in time with 408', async () => {
    const s = await start({ requestTimeoutMs: 30 });
    const c = await s.client();
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{');
    await c.closed;
    expect((await c.responses(1))[0].status).toBe(408);
  });

  it('closes an idle keep-alive connection, but never while an answer is owed', async () => {
    const s = await start({ keepAliveTimeoutMs: 20, headersTimeoutMs: 20 });
    const c = await s.client();
    c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.held.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    s.release();
    expect((await c.responses(1))[0].status).toBe(200);
    await c.closed;
  });
});

describe('draining', () => {
  it('closes idle connections, answers the busy ones with Connection: close, then stops', async () => {
    const s = await start();
    const idle = await s.client();
    idle.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    await idle.responses(1);
    const busy = await s.client();
    busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.held.length === 1);
    s.server.drain();
    const closed = s.server.close(10_000);
    await idle.closed;
    s.release();
    const [answer] = await busy.responses(1);
    expect(answer.headers.connection).toBe('close');
    await closed;
    expect(s.server.connections()).toBe(0);
  });

  it('cuts connections still busy at the drain timeout', async () => {
    const s = await start();
    const busy = await s.client();
    busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => s.held.length === 1);
    await s.server.close(20);
    await busy.closed;
    expect(busy.received()).toBe('');
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}
