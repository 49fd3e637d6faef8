import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_REQUESTS } from '../http/malformed-requests.js';
import { AdminConnection, type AdminHandler, MAX_ADMIN_BODY } from './admin-connection.js';
import type { AdminRequest } from './admin-routes.js';
import { RawClient, rawExchange, send } from './test-helpers.js';

describe('admin HTTP/1.1 connection', () => {
  let server: net.Server;
  let port: number;
  const seen: AdminRequest[] = [];
  /** Echoes the request as JSON; `/slow` answers later, so order and half-close are observable. */
  const handler: AdminHandler = (req) => {
    seen.push(req);
    const a = {
      status: req.url === '/missing' ? 404 : 200,
      contentType: 'application/json',
      body: JSON.stringify(req),
    };
    return req.url.startsWith('/slow') ? new Promise((r) => setTimeout(() => r(a), 50)) : a;
  };

  beforeAll(async () => {
    server = net.createServer({ allowHalfOpen: true }, (s) => new AdminConnection(s, handler, () => {}));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('hands method, target, authorization and body to the handler, and frames the answer', async () => {
    const r = await send(`http://127.0.0.1:${port}`, {
      method: 'POST',
      path: '/switch?x=1',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"to":"grün"}',
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.date).toBeTruthy();
    // the router's own time for the call, from the request's first bytes to the answer
    const dur = Number(/^admin;dur=([\d.]+)$/.exec(String(r.headers['server-timing']))?.[1]);
    expect(dur).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(r.body)).toEqual({
      method: 'POST',
      url: '/switch?x=1',
      authorization: 'Bearer t',
      body: '{"to":"grün"}',
    });
  });

  it('answers pipelined requests in order on one keep-alive connection, even when the first is slow', async () => {
    const client = new RawClient(port);
    (client as unknown as { sock: net.Socket }).sock.write(
      'GET /slow HTTP/1.1\r\nhost: a\r\n\r\nGET /fast HTTP/1.1\r\nhost: a\r\n\r\n',
    );
    expect(JSON.parse((await client.read()).body).url).toBe('/slow');
    expect(JSON.parse((await client.read()).body).url).toBe('/fast');
    const third = await client.request('/again');
    expect(JSON.parse(third.body).url).toBe('/again');
    expect(client.closed).toBe(false);
    client.close();
  });

  it('answers a long burst of pipelined requests, all in order', async () => {
    const n = 300;
    let burst = '';
    for (let i = 0; i < n; i++)
      burst += `GET /n${i} HTTP/1.1\r\nhost: a\r\n${i === n - 1 ? 'connection: close\r\n' : ''}\r\n`;
    const out = await rawExchange(port, burst);
    const urls = [...out.matchAll(/"url":"(\/n\d+)"/g)].map((m) => m[1]);
    expect(urls).toEqual(Array.from({ length: n }, (_, i) => `/n${i}`));
  });

  it('decodes a chunked body and answers Expect: 100-continue before the body is sent', async () => {
    const out = await rawExchange(
      port,
      'POST /c HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n',
    );
    expect(out).toContain('HTTP/1.1 200 OK');
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4)).body).toBe('{"a":1}');

    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.write('POST /e HTTP/1.1\r\nhost: a\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n');
    for (let i = 0; i < 100 && !got.includes('100 Continue'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    sock.write('{}');
    for (let i = 0; i < 100 && !got.includes('200 OK'); i++) await new Promise((r) => setTimeout(r, 5));
    expect(got).toContain('HTTP/1.1 200 OK');
    sock.destroy();
  });

  it.each([
    [
      `POST /big HTTP/1.1\r\nhost: a\r\ncontent-length: ${MAX_ADMIN_BODY + 1}\r\n\r\n`,
      413,
      'GL_ROUTER_BODY_TOO_LARGE',
    ],
    [
      `POST /big HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n${(MAX_ADMIN_BODY + 1).toString(16)}\r\n${'x'.repeat(MAX_ADMIN_BODY + 1)}\r\n0\r\n\r\n`,
      413,
      'GL_ROUTER_BODY_TOO_LARGE',
    ],
    ['GET /x HTTP/1.1\r\nbad header\r\n\r\n', 400, 'GL_ROUTER_BAD_REQUEST'],
    [
      'POST /x HTTP/1.1\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}',
      400,
      'GL_ROUTER_BAD_REQUEST',
    ],
    [`GET /x HTTP/1.1\r\nx: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431, 'GL_ROUTER_HEADERS_TOO_LARGE'],
  ])('refuses an unreadable request with a JSON error and closes (%#)', async (request, status, code) => {
    const before = seen.length;
    const out = await rawExchange(port, request);
    expect(out.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(out).toContain('connection: close');
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4)).code).toBe(code);
    expect(seen.length).toBe(before);
  });

  it.each(MALFORMED_REQUESTS)(
    'refuses $name with $status, as the data plane and the model server do',
    async (c) => {
      const before = seen.length;
      const out = await rawExchange(port, c.bytes);
      expect(out.slice(0, 12)).toBe(`HTTP/1.1 ${c.status}`);
      expect(seen.length).toBe(before);
    },
  );

  it('closes after an HTTP/1.0 exchange, sends no body to HEAD, and still answers a half-closed client', async () => {
    const old = await rawExchange(port, 'GET /old HTTP/1.0\r\n\r\n');
    expect(old).toContain('connection: close');
    expect(JSON.parse(old.slice(old.indexOf('\r\n\r\n') + 4)).url).toBe('/old');
    const head = await rawExchange(port, 'HEAD /missing HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n');
    expect(head.startsWith('HTTP/1.1 404 Not Found')).toBe(true);
    expect(head.endsWith('\r\n\r\n')).toBe(true);

    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    const closed = new Promise((r) => sock.on('close', r));
    sock.end('GET /slow-half HTTP/1.1\r\nhost: a\r\n\r\n');
    await closed;
    expect(got).toContain('connection: close');
    expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)).url).toBe('/slow-half');
  });

  it('answers 408 and closes when a request keeps trickling in past its deadline', async () => {
    const slow = net.createServer((s) => new AdminConnection(s, handler, () => {}, 30));
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const sock = net.connect((slow.address() as net.AddressInfo).port, '127.0.0.1');
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    const closed = new Promise((r) => sock.on('close', r));
    // A header line every 10 ms and never the blank line: however the reads fall, the request is
    // still incomplete when its deadline passes (a fixed pause before the rest raced under load).
    sock.write('GET /trickle HTTP/1.1\r\nhost: a\r\n');
    const drip = setInterval(() => sock.writable && sock.write('x-drip: 1\r\n'), 10);
    await closed;
    clearInterval(drip);
    expect(got.startsWith('HTTP/1.1 408 ')).toBe(true);
    expect(JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)).code).toBe('GL_ROUTER_TIMEOUT');
    await new Promise<void>((r) => slow.close(() => r()));
  });
});
