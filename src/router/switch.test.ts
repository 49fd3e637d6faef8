import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { RawClient, send, startUpstream, type Upstream } from './test-helpers.js';

describe('atomic switch', () => {
  let blue: Upstream;
  let green: Upstream;
  let router: Router;
  let releaseSlow: (() => void) | undefined;

  beforeAll(async () => {
    blue = await startUpstream('blue', 'v1', (req, res) => {
      const reply = () => res.end(JSON.stringify({ color: 'blue' }));
      if (req.url === '/slow') releaseSlow = reply;
      else reply();
    });
    green = await startUpstream('green', 'v2');
    router = await createRouter({ blue: [blue.url], green: [green.url], healthCheck: { intervalMs: 0 } });
  });
  afterAll(async () => {
    await router.close(100);
    await blue.close();
    await green.close();
  });

  it('routes every request after the switch to the new color, on connections opened before it', async () => {
    await router.switchTo('blue');
    const clients = Array.from({ length: 5 }, () => new RawClient(router.port));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 3 });
    try {
      for (const c of clients) expect((await c.request('/')).headers['x-greenlight-color']).toBe('blue');
      await Promise.all([1, 2, 3].map(() => send(router.url, { agent })));
      const sw = await router.switchTo('green');
      for (let round = 0; round < 3; round++) {
        for (const c of clients) {
          const r = await c.request('/');
          expect(r.headers['x-greenlight-color']).toBe('green');
          expect(r.headers['x-greenlight-generation']).toBe(String(sw.generation));
          expect(r.headers['x-model-version']).toBe('v2');
        }
      }
      const viaAgent = await Promise.all([1, 2, 3, 4, 5, 6].map(() => send(router.url, { agent })));
      expect(viaAgent.map((r) => r.headers['x-greenlight-color'])).toEqual(Array(6).fill('green'));
      // the same TCP connections carried traffic before and after: nothing was reconnected
      expect(clients.every((c) => !c.closed)).toBe(true);
    } finally {
      for (const c of clients) c.close();
      agent.destroy();
    }
  });

  it('lets a request in flight finish on the color that accepted it', async () => {
    await router.switchTo('blue');
    const client = new RawClient(router.port);
    try {
      const slow = client.request('/slow');
      for (let i = 0; i < 200 && !releaseSlow; i++) await new Promise((r) => setTimeout(r, 5));
      expect(releaseSlow).toBeDefined();
      expect((await router.state()).colors.blue.inFlight).toBe(1);
      await router.switchTo('green');
      expect((await send(router.url)).headers['x-greenlight-color']).toBe('green');
      expect(await router.waitIdle('blue', 10)).toBe(false);
      releaseSlow!();
      const r = await slow;
      expect(r.status).toBe(200);
      expect(r.headers['x-greenlight-color']).toBe('blue');
      expect(JSON.parse(r.body).color).toBe('blue');
      expect(await router.waitIdle('blue', 1000)).toBe(true);
      // the same connection's next request goes to the new color
      expect((await client.request('/')).headers['x-greenlight-color']).toBe('green');
    } finally {
      client.close();
    }
  });

  it('rollback restores the previous color with the same guarantee', async () => {
    await router.switchTo('blue');
    const sw = await router.switchTo('green');
    const client = new RawClient(router.port);
    try {
      expect((await client.request('/')).headers['x-greenlight-color']).toBe('green');
      const rb = await router.rollback();
      expect(rb.active).toBe('blue');
      expect(rb.generation).toBe(sw.generation + 1);
      expect((await client.request('/')).headers['x-greenlight-color']).toBe('blue');
    } finally {
      client.close();
    }
  });
});
