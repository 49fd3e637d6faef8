import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Backend } from './backend.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A TCP server that keeps every connection open. */
async function upstream(): Promise<{ url: string }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` };
}

describe('Backend connection pool', () => {
  it('reuses an idle connection until it has been idle longer than maxIdleMs, then opens a new one', async () => {
    const up = await upstream();
    let now = 1_000;
    const backend = new Backend(up.url, {
      maxIdle: 8,
      maxFailures: 3,
      retryAfterMs: 0,
      maxIdleMs: 4_000,
      now: () => now,
    });
    const [first, second] = [backend.acquire(), backend.acquire()];
    await Promise.all([first, second].map((c) => new Promise((r) => c.socket.once('connect', r))));
    expect(first).not.toBe(second);
    backend.release(first);
    now += 1_000;
    backend.release(second); // the pool is newest last
    now += 3_500; // first idle 4.5 s, second 3.5 s
    expect(backend.acquire()).toBe(second);
    backend.release(second);
    now += 4_001; // both past the limit now
    const fresh = backend.acquire();
    expect([first, second]).not.toContain(fresh);
    expect(fresh.uses).toBe(0);
    // closed by us, not left for the upstream to close under a request
    expect([first.alive, second.alive]).toEqual([false, false]);
    fresh.destroy();
  });
});
