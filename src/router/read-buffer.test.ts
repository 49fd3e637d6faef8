import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { deadPort, RawClient, send, startRawUpstream, startUpstream } from './test-helpers.js';
import type { ShadowPair } from './types.js';

/**
 * The router reads every client into one shared buffer and every backend's connections into one
 * buffer per backend, and hands the bytes on as views of it (client-connection.ts, onData). Each
 * test here keeps bytes past their read, at one of the places that must copy them, while other
 * connections' reads overwrite the shared buffer, and checks the bytes that come out.
 */
describe('shared read buffers', () => {
  let router: Router | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await router?.close(100);
    router = undefined;
    for (const c of closers.splice(0)) await c();
  });

  /** Requests that keep `port`'s shared buffers busy until `stop()`. */
  function background(port: number, connections = 4): { stop(): Promise<void> } {
    let running = true;
    const loops = Array.from({ length: connections }, async (_, i) => {
      const c = new RawClient(port);
      while (running) await c.request(`/noise/${i}`, `x-noise: ${String(i).repeat(300)}\r\n`);
      c.close();
    });
    return {
      stop: async () => {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  /** `n` bytes that differ by `seed` and by position. */
  function pattern(seed: number, n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 101 + (i >> 8)) & 0xff;
    return b;
  }

  it('keeps request heads split across reads and pipelined requests intact', async () => {
    const up = await startUpstream('blue', 'v1');
    closers.push(() => up.close());
    router = await createRouter({ blue: [up.url], green: [up.url], healthCheck: { intervalMs: 0 } });
    const noise = background(router.port);
    const clients = Array.from({ length: 6 }, async (_, i) => {
      const sock = net.connect(router!.port, '127.0.0.1');
      let got = '';
      sock.on('data', (d) => {
        got += d.toString('latin1');
      });
      const body = `{"text":"client ${i} ${'z'.repeat(i * 50)}"}`;
      const head = `POST /split/${i} HTTP/1.1\r\nhost: t\r\nx-client: ${String(i).repeat(200)}\r\ncontent-length: ${body.length}\r\n\r\n`;
      const second = `GET /second/${i} HTTP/1.1\r\nhost: t\r\nx-client: ${i}\r\n\r\n`;
      await new Promise<void>((r) => sock.once('connect', () => r()));
      // half a head, a pause for other reads to land in the buffer, then the rest with a pipelined request
      sock.write(head.slice(0, 60));
      await new Promise((r) => setTimeout(r, 20));
      sock.write(head.slice(60) + body + second);
      for (let t = 0; t < 300 && (got.match(/HTTP\/1\.1 200/g) ?? []).length < 2; t++)
        await new Promise((r) => setTimeout(r, 10));
      sock.destroy();
      return { i, body, got };
    });
    const results = await Promise.all(clients);
    await noise.stop();
    for (const { i, body, got } of results) {
      const bodies = got
        .split('HTTP/1.1 ')
        .filter((s) => s.length > 0)
        .map((s) => JSON.parse(s.slice(s.indexOf('\r\n\r\n') + 4)) as { path: string; body: string });
      expect(bodies).toEqual([
        { color: 'blue', version: 'v1', path: `/split/${i}`, body },
        { color: 'blue', version: 'v1', path: `/second/${i}`, body: '' },
      ]);
    }
    for (const i of [0, 1, 2, 3, 4, 5]) {
      expect(up.seen.find((s) => s.url === `/split/${i}`)?.headers['x-client']).toBe(String(i).repeat(200));
    }
  });

  it('relays uploads byte for byte to an upstream that reads slowly', async () => {
    // the upstream takes its time, so the router's writes queue up behind the kernel's buffers
    const server = http.createServer((req, res) => {
      const hash = createHash('sha256');
      req.on('data', (d: Buffer) => {
        hash.update(d);
        req.pause();
        setTimeout(() => req.resume(), 4);
      });
      req.on('end', () => res.end(hash.digest('hex')));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    router = await createRouter({
      blue: [url],
      green: [url],
      healthCheck: { intervalMs: 0 },
      limits: { maxBodyBytes: 16 * 1024 * 1024 },
    });
    const uploads = Array.from({ length: 6 }, async (_, seed) => {
      const body = pattern(seed, 4 * 1024 * 1024 + seed * 1000);
      const r = await send(router!.url, { path: '/sha', body });
      return { r, want: createHash('sha256').update(body).digest('hex') };
    });
    for (const { r, want } of await Promise.all(uploads)) {
      expect(r.status).toBe(200);
      expect(r.body).toBe(want);
    }
  });

  it('keeps a response head split across reads intact while the backend serves others', async () => {
    const value = 'v'.repeat(400);
    const raw = await startRawUpstream((s) => {
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString('latin1');
        for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
          const path = buf.slice(buf.indexOf(' ') + 1, buf.indexOf(' HTTP/'));
          buf = buf.slice(end + 4);
          const body = JSON.stringify({ path });
          const head = `HTTP/1.1 200 OK\r\nx-long: ${value}\r\ncontent-length: ${body.length}\r\n\r\n`;
          if (!path.startsWith('/slow')) {
            s.write(head + body);
            continue;
          }
          // half the head now, the rest once other connections' responses went through the buffer
          s.write(head.slice(0, 200));
          setTimeout(() => s.write(head.slice(200) + body), 30);
        }
      });
    });
    closers.push(() => raw.close());
    router = await createRouter({ blue: [raw.url], green: [raw.url], healthCheck: { intervalMs: 0 } });
    const noise = background(router.port);
    const slow = await Promise.all(
      Array.from({ length: 4 }, (_, i) => send(router!.url, { path: `/slow/${i}` })),
    );
    await noise.stop();
    slow.forEach((r, i) => {
      expect(r.status).toBe(200);
      expect(r.headers['x-long']).toBe(value);
      expect(JSON.parse(r.body)).toEqual({ path: `/slow/${i}` });
    });
  });

  it('re-sends the request body it kept when the first backend refuses the connection', async () => {
    const up = await startUpstream('blue', 'v1');
    closers.push(() => up.close());
    // six refusing backends: a request may try several before it reaches the good one, and each
    // retry re-sends the kept body after an asynchronous connect failure, when other reads came in
    const dead: string[] = [];
    for (let i = 0; i < 6; i++) dead.push(`http://127.0.0.1:${await deadPort()}`);
    router = await createRouter({
      blue: [...dead, up.url],
      green: [up.url],
      healthCheck: { intervalMs: 0 },
    });
    const noise = background(router.port, 2);
    const posts = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const body = `{"text":"retry ${i} ${String(i).repeat(1000)}"}`;
        return send(router!.url, { path: `/retry/${i}`, body }).then((r) => ({ r, body, i }));
      }),
    );
    await noise.stop();
    for (const { r, body, i } of posts) {
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ color: 'blue', version: 'v1', path: `/retry/${i}`, body });
    }
  });

  it('captures request and response bodies of shadowed requests intact', async () => {
    const blue = await startUpstream('blue', 'v1');
    const green = await startUpstream('green', 'v2');
    closers.push(
      () => blue.close(),
      () => green.close(),
    );
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      limits: { maxBodyBytes: 1024 * 1024 },
      shadow: { maxBodyBytes: 1024 * 1024 },
    });
    const pairs: ShadowPair[] = [];
    const unsubscribe = router.onShadowPair((p) => pairs.push(p));
    await router.setShadow({ enabled: true, sampleRate: 1 });
    // 200 kB each: both responses take several reads, which other connections' reads interleave
    const bodies = Array.from(
      { length: 10 },
      (_, i) => `{"text":"shadow ${i} ${String(i).repeat(200_000)}"}`,
    );
    await Promise.all(bodies.map((body, i) => send(router!.url, { path: `/s/${i}`, body })));
    for (let t = 0; t < 300 && pairs.length < bodies.length; t++) await new Promise((r) => setTimeout(r, 10));
    unsubscribe();
    expect(pairs).toHaveLength(bodies.length);
    for (const p of pairs) {
      const i = Number(p.path.slice('/s/'.length));
      expect(p.requestBody).toBe(bodies[i]);
      expect(JSON.parse(p.primary.body)).toEqual({
        color: 'blue',
        version: 'v1',
        path: p.path,
        body: bodies[i],
      });
      expect(JSON.parse(p.shadow.body)).toEqual({
        color: 'green',
        version: 'v2',
        path: p.path,
        body: bodies[i],
      });
    }
  });
});
