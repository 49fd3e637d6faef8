import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Router, RouterOptions } from './router.js';
import { deadPort, send, startUpstream, type Upstream } from './test-helpers.js';
import type { RouterControl } from './types.js';

export interface ControlHarness {
  /** The implementation under test. */
  control: RouterControl;
  /** The router it drives (for sending traffic). */
  router: Router;
  close(): Promise<void>;
}

/**
 * One behavioural suite for every RouterControl (STYLE.md §5): the in-process router and the HTTP
 * admin client must be indistinguishable to the control plane.
 */
export function routerControlSuite(
  name: string,
  make: (opts: RouterOptions) => Promise<ControlHarness>,
): void {
  describe(`RouterControl: ${name}`, () => {
    let blue: Upstream;
    let green: Upstream;
    let h: ControlHarness | undefined;
    const base = (): RouterOptions => ({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
    });

    beforeAll(async () => {
      blue = await startUpstream('blue', 'v1');
      green = await startUpstream('green', 'v2', (req, res) => {
        const reply = () =>
          res.end(JSON.stringify({ color: 'green', version: 'v2', path: req.url, body: req.body }));
        if (req.url === '/slow') setTimeout(reply, 300);
        else reply();
      });
    });
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });
    afterAll(async () => {
      await blue.close();
      await green.close();
    });

    it('reports the initial state', async () => {
      h = await make(base());
      const s = await h.control.state();
      expect(s.active).toBe('blue');
      expect(s.generation).toBe(0);
      expect(s.weights).toBeNull();
      expect(s.shadow.enabled).toBe(false);
      expect(s.colors.blue.backends.map((b) => b.url)).toEqual([blue.url]);
      expect(s.colors.green.backends.map((b) => b.url)).toEqual([green.url]);
    });

    it('switches traffic and rolls back, each with a new generation', async () => {
      h = await make(base());
      expect((await send(h.router.url)).headers['x-greenlight-color']).toBe('blue');
      const sw = await h.control.switchTo('green');
      expect(sw).toMatchObject({ active: 'green', previous: 'blue', generation: 1 });
      expect(typeof sw.switchedAt).toBe('number');
      const after = await send(h.router.url);
      expect(after.headers['x-greenlight-color']).toBe('green');
      expect(after.headers['x-greenlight-generation']).toBe('1');
      expect(after.headers['x-model-version']).toBe('v2');
      const rb = await h.control.rollback();
      expect(rb).toMatchObject({ active: 'blue', previous: 'green', generation: 2 });
      expect((await send(h.router.url)).headers['x-greenlight-color']).toBe('blue');
      expect((await h.control.state()).generation).toBe(2);
    });

    it('refuses to switch to a color with no healthy backend, and traffic stays put', async () => {
      h = await make({ ...base(), green: [`http://127.0.0.1:${await deadPort()}`] });
      await expect(h.control.switchTo('green')).rejects.toMatchObject({ code: 'GL_ROUTER_UNHEALTHY_TARGET' });
      const s = await h.control.state();
      expect(s.active).toBe('blue');
      expect(s.generation).toBe(0);
      expect((await send(h.router.url)).headers['x-greenlight-color']).toBe('blue');
    });

    it('replaces a color’s backends at run time', async () => {
      h = await make({ ...base(), green: [`http://127.0.0.1:${await deadPort()}`] });
      await h.control.setBackends('green', [green.url]);
      expect((await h.control.state()).colors.green.backends.map((b) => b.url)).toEqual([green.url]);
      await h.control.switchTo('green');
      expect((await send(h.router.url)).headers['x-greenlight-color']).toBe('green');
      await expect(h.control.setBackends('green', ['ftp://nope'])).rejects.toMatchObject({
        code: 'GL_ROUTER_BAD_REQUEST',
      });
    });

    it('checks each color on its own health path, set with its backends', async () => {
      // A user's server: /ready is not its path (it answers 503 there); /own/ready is.
      const own = await startUpstream('green', 'v2', (req, res) => {
        res.statusCode = req.url === '/own/ready' ? 200 : 503;
        res.end('{}');
      });
      try {
        h = await make({ ...base(), green: [] });
        await h.control.setBackends('green', [own.url], '/ready');
        await expect(h.control.switchTo('green')).rejects.toMatchObject({
          code: 'GL_ROUTER_UNHEALTHY_TARGET',
        });
        await h.control.setBackends('green', [own.url], '/own/ready');
        await h.control.switchTo('green');
        expect((await send(h.router.url)).headers['x-greenlight-color']).toBe('green');
        expect(own.seen.some((r) => r.url === '/own/ready')).toBe(true);
        await expect(h.control.setBackends('blue', [blue.url], 'ready now')).rejects.toMatchObject({
          code: 'GL_ROUTER_BAD_REQUEST',
        });
      } finally {
        await own.close();
      }
    });

    it('sets and clears weights, and a switch clears them', async () => {
      h = await make(base());
      await h.control.setWeights({ blue: 90, green: 10 });
      expect((await h.control.state()).weights).toEqual({ blue: 90, green: 10 });
      await h.control.setWeights(null);
      expect((await h.control.state()).weights).toBeNull();
      await expect(h.control.setWeights({ blue: -1, green: 1 })).rejects.toMatchObject({
        code: 'GL_ROUTER_BAD_REQUEST',
      });
      await h.control.setWeights({ blue: 50, green: 50 });
      await h.control.switchTo('green');
      expect((await h.control.state()).weights).toBeNull();
    });

    it('configures shadow traffic and pages captured pairs', async () => {
      h = await make(base());
      await h.control.setShadow({ enabled: true, sampleRate: 1 });
      expect((await h.control.state()).shadow).toEqual({ enabled: true, sampleRate: 1 });
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        await send(h.router.url, { path: `/predict?i=${i}`, body: `{"text":"t${i}"}` });
      }
      for (let k = 0; k < 100 && seen.length < 3; k++) {
        const page = await h.control.shadowPairs(0, 10);
        seen.splice(0, seen.length, ...page.pairs.map((p) => p.seq));
        if (seen.length < 3) await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toEqual([1, 2, 3]);
      const page = await h.control.shadowPairs(1, 1);
      expect(page.pairs).toHaveLength(1);
      expect(page.nextSeq).toBe(2);
      const p = page.pairs[0];
      expect(p.requestBody).toBe('{"text":"t1"}');
      expect(p.primary).toMatchObject({ color: 'blue', status: 200, version: 'v1' });
      expect(p.shadow).toMatchObject({ color: 'green', status: 200, version: 'v2' });
      expect(JSON.parse(p.shadow.body).body).toBe('{"text":"t1"}');
      await expect(h.control.setShadow({ enabled: true, sampleRate: 2 })).rejects.toMatchObject({
        code: 'GL_ROUTER_BAD_REQUEST',
      });
    });

    it('waits for a color to drain, and gives up at the deadline', async () => {
      h = await make({ ...base(), active: 'green' });
      expect(await h.control.waitIdle('blue', 10)).toBe(true);
      const agent = new http.Agent();
      const slow = send(h.router.url, { path: '/slow', agent });
      await new Promise((r) => setTimeout(r, 50));
      expect(await h.control.waitIdle('green', 20)).toBe(false);
      expect(await h.control.waitIdle('green', 5000)).toBe(true);
      expect((await slow).status).toBe(200);
      agent.destroy();
    });
  });
}
