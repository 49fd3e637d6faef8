import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { deadPort, send, startUpstream, type Upstream } from './test-helpers.js';

describe('replicas and health', () => {
  let b1: Upstream;
  let b2: Upstream;
  let green: Upstream;
  let router: Router | undefined;
  let b2Ready = true;

  beforeAll(async () => {
    b1 = await startUpstream('blue', 'v1');
    b2 = await startUpstream('blue', 'v1', (req, res) => {
      if (req.url === '/ready' && !b2Ready) res.statusCode = 503;
      res.end(JSON.stringify({ replica: 2 }));
    });
    green = await startUpstream('green', 'v2');
  });
  afterEach(async () => {
    await router?.close(100);
    router = undefined;
    b2Ready = true;
    for (const u of [b1, b2, green]) u.seen.length = 0;
  });
  afterAll(async () => {
    for (const u of [b1, b2, green]) await u.close();
  });

  it('spreads requests over the replicas of a color', async () => {
    router = await createRouter({
      blue: [b1.url, b2.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
    });
    for (let i = 0; i < 10; i++) expect((await send(router.url)).status).toBe(200);
    expect(b1.seen.length).toBeGreaterThan(0);
    expect(b2.seen.length).toBeGreaterThan(0);
    expect(b1.seen.length + b2.seen.length).toBe(10);
  });

  it('retries a connect failure on another backend of the same color only, and takes the dead one out', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    router = await createRouter({ blue: [dead, b1.url], green: [green.url], healthCheck: { intervalMs: 0 } });
    for (let i = 0; i < 6; i++) {
      const r = await send(router.url, { method: 'POST', path: '/p', body: `n${i}` });
      expect(r.status).toBe(200);
      expect(r.headers['x-greenlight-color']).toBe('blue');
    }
    expect(b1.seen.map((s) => s.body)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    expect(green.seen).toHaveLength(0);
    const s = await router.state();
    expect(s.colors.blue.backends.find((b) => b.url === dead)?.healthy).toBe(false);
  });

  it('takes a replica out when its active check fails and puts it back when it passes', async () => {
    router = await createRouter({
      blue: [b1.url, b2.url],
      green: [green.url],
      healthCheck: { intervalMs: 20 },
    });
    const healthOf = async () => (await router!.state()).colors.blue.backends.map((b) => b.healthy);
    const until = async (want: boolean[]) => {
      for (let i = 0; i < 200; i++) {
        if (JSON.stringify(await healthOf()) === JSON.stringify(want)) return true;
        await new Promise((r) => setTimeout(r, 10));
      }
      return false;
    };
    b2Ready = false;
    expect(await until([true, false])).toBe(true);
    b2.seen.length = 0;
    for (let i = 0; i < 6; i++) await send(router.url, { path: '/work' });
    expect(b2.seen.filter((s) => s.url === '/work')).toHaveLength(0);
    b2Ready = true;
    expect(await until([true, true])).toBe(true);
  });

  it('takes a replica out after repeated 5xx (passive check)', async () => {
    const failing = await startUpstream('blue', 'v1', (_req, res) => {
      res.statusCode = 500;
      res.end('{}');
    });
    try {
      router = await createRouter({
        blue: [failing.url, b1.url],
        green: [green.url],
        healthCheck: { intervalMs: 0 },
        maxFailures: 2,
      });
      for (let i = 0; i < 12; i++) await send(router.url);
      const s = await router.state();
      expect(s.colors.blue.backends.map((b) => b.healthy)).toEqual([false, true]);
      expect(failing.seen.length).toBe(2);
    } finally {
      await failing.close();
    }
  });
});
