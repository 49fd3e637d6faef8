import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { request, requestStream, response } from './smuggling-vectors.js';
import { startRawUpstream } from './test-helpers.js';

/**
 * Differential tests against llhttp, Node's own parser, in its default strict mode (issue 14):
 * - every byte sequence the router forwards is read by a strict node:http server as exactly the
 *   requests (method, target, body) the router read, and as the same requests strict llhttp reads
 *   from what the client sent;
 * - whatever strict llhttp refuses, the router refuses (it may refuse more: a missing Host,
 *   Transfer-Encoding on HTTP/1.0, a coding before chunked, whitespace in chunk extensions);
 * - every message built valid is accepted;
 * - responses: whatever node:http's client parser refuses becomes a 502, and what the router
 *   passes on is read by that parser as the upstream's status and body.
 * CI runs a fixed number of seeded cases; GREENLIGHT_DIFFERENTIAL_RUNS=N (and
 * GREENLIGHT_DIFFERENTIAL_SEED=S) runs more, or others.
 */
const RUNS = Number(process.env.GREENLIGHT_DIFFERENTIAL_RUNS ?? 120);
const SEED = Number(process.env.GREENLIGHT_DIFFERENTIAL_SEED ?? 20261204);
const LONG = RUNS > 500;

/** The last request of every stream: reaching it means the reader read everything before it. */
const SENTINEL = 'GET /end HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

interface Read {
  method: string;
  url: string;
  body: string;
}

/** A strict node:http server that records the requests it read and the parse errors it hit. */
async function recorder(): Promise<{
  port: number;
  seen: Read[];
  parseErrors: string[];
  server: http.Server;
}> {
  const seen: Read[] = [];
  const parseErrors: string[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(parts).toString('latin1'),
      });
      res.end('ok');
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (err.code?.startsWith('HPE_')) parseErrors.push(err.code);
    socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, seen, parseErrors, server };
}

/** Write `bytes` on a fresh connection and resolve once the other side closed it. */
function exchange(port: number, bytes: string, halfClose: boolean): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.on('data', (d: Buffer) => {
      out += d.toString('latin1');
    });
    sock.on('error', () => {});
    sock.on('close', () => resolve(out));
    sock.write(Buffer.from(bytes, 'latin1'));
    if (halfClose) sock.end();
  });
}

const strip = (reads: Read[]) => reads.filter((r) => r.url !== '/end');

describe('requests: the router against strict llhttp', () => {
  let reference: Awaited<ReturnType<typeof recorder>>;
  let upstream: Awaited<ReturnType<typeof recorder>>;
  let router: Router;

  beforeAll(async () => {
    reference = await recorder();
    upstream = await recorder();
    router = await createRouter({
      blue: [`http://127.0.0.1:${upstream.port}`],
      green: [],
      healthCheck: { intervalMs: 0 },
      maxFailures: 1_000_000,
      // a request whose body never completes is cut by the router's own timers, not by the test
      limits: { upstreamTimeoutMs: 400, headersTimeoutMs: 400 },
    });
  });
  afterAll(async () => {
    await router.close(100);
    reference.server.close();
    reference.server.closeAllConnections();
    upstream.server.close();
    upstream.server.closeAllConnections();
  });

  it(`agrees on ${RUNS} seeded request streams`, { timeout: LONG ? 3_600_000 : 60_000 }, async () => {
    const tally = { refusedByLlhttp: 0, acceptedByBoth: 0, refusedByRouterOnly: 0, timedOut: 0 };
    await fc.assert(
      fc.asyncProperty(requestStream, async (g) => {
        const bytes = g.text + SENTINEL;
        reference.seen.length = 0;
        upstream.seen.length = 0;
        upstream.parseErrors.length = 0;
        await exchange(reference.port, bytes, true);
        const answers = await exchange(router.port, bytes, false);
        const statuses: string[] = answers.match(/HTTP\/1\.1 \d{3}/g) ?? [];
        // a 504 is the router's upstream timer, not its parser: on a loaded machine a slow upstream
        // answer (or a body that never completes) ends the exchange there; such cases only count
        if (statuses.includes('HTTP/1.1 504')) {
          tally.timedOut++;
          expect(upstream.parseErrors).toEqual([]);
          return;
        }
        const llhttpReadAll = reference.seen.some((r) => r.url === '/end');
        const routerReadAll = upstream.seen.some((r) => r.url === '/end');
        // what the router forwarded, strict llhttp reads without an error ...
        expect(upstream.parseErrors).toEqual([]);
        // ... as the requests llhttp reads from the client's bytes, in order (a prefix when the router refused one)
        const forwarded = strip(upstream.seen);
        expect(forwarded, `router answered ${statuses.join(', ')}`).toEqual(
          strip(reference.seen).slice(0, forwarded.length),
        );
        // what llhttp refuses, the router refuses
        if (!llhttpReadAll) expect(routerReadAll).toBe(false);
        if (routerReadAll) expect(forwarded).toEqual(strip(reference.seen));
        // what was built valid, both accept
        if (g.valid) expect([llhttpReadAll, routerReadAll]).toEqual([true, true]);
        if (!llhttpReadAll) tally.refusedByLlhttp++;
        else if (routerReadAll) tally.acceptedByBoth++;
        else tally.refusedByRouterOnly++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // the run must reach both sides of the property, or it proves little
    expect(tally.refusedByLlhttp).toBeGreaterThan(0);
    expect(tally.acceptedByBoth).toBeGreaterThan(0);
    expect(tally.timedOut).toBeLessThan(RUNS / 5);
  });

  it('reaches valid and malformed messages both, in the seeded set', () => {
    const sample = fc.sample(request, { numRuns: 200, seed: SEED });
    const valid = sample.filter((g) => g.valid).length;
    expect(valid).toBeGreaterThan(40);
    expect(valid).toBeLessThan(180);
  });
});

/** node:http's client reading of what a raw server at `port` sends: status and body, or the error's code. */
function clientRead(port: number, path: string): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(parts).toString('latin1') }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
      res.on('aborted', () => resolve({ error: 'aborted' }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

describe('responses: the router against strict llhttp', () => {
  let current = '';
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  let upstreamPort: number;
  let router: Router;

  beforeAll(async () => {
    // answers every request with the current case's bytes, then closes (so no body waits for ever)
    upstream = await startRawUpstream((s) => {
      let seen = '';
      s.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (seen.includes('\r\n\r\n')) s.end(Buffer.from(current, 'latin1'));
      });
    });
    upstreamPort = Number(new URL(upstream.url).port);
    router = await createRouter({
      blue: [upstream.url],
      green: [],
      healthCheck: { intervalMs: 0 },
      maxFailures: 1_000_000,
      limits: { upstreamTimeoutMs: 500 },
    });
  });
  afterAll(async () => {
    await router.close(100);
    await upstream.close();
  });

  it(`agrees on ${Math.ceil(RUNS / 2)} seeded responses`, {
    timeout: LONG ? 3_600_000 : 60_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(response, async (g) => {
        current = g.text;
        const direct = await clientRead(upstreamPort, '/');
        const via = await clientRead(router.port, '/');
        // the router never hands the client something its parser refuses
        expect(via.error ?? '').not.toMatch(/^HPE_/);
        if (direct.error?.startsWith('HPE_')) {
          // refused by llhttp: a 502, or (when the head had already gone) a cut connection
          expect(via.status === 502 || via.error !== undefined).toBe(true);
        } else if (via.status !== undefined && via.status !== 502) {
          expect(via).toEqual(direct);
        }
        if (g.valid) expect(via).toEqual(direct);
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: SEED },
    );
  });
});
