import { afterEach, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { createRouter, type Router } from './router.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';

/**
 * The admin thread decides a switch alone from the health the data plane publishes in shared
 * memory; these check that a color found down is never switched to, however the router learnt it.
 */
describe('switch refusal through the admin thread', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  async function setup(
    healthIntervalMs: number,
    greenFailing: () => boolean,
  ): Promise<{ router: Router; admin: AdminServer; blue: Upstream; green: Upstream }> {
    const blue = await startUpstream('blue', 'v1');
    const green = await startUpstream('green', 'v2', (_req, res) => {
      res.statusCode = greenFailing() ? 500 : 200;
      res.end('{}');
    });
    const router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: healthIntervalMs },
    });
    const admin = await startAdminServer(router, { token: 'tok' });
    closers.push(blue.close, green.close, () => router.close(100), admin.close);
    return { router, admin, blue, green };
  }

  const call = (admin: AdminServer, path: string, body = '{}') =>
    send(admin.url, {
      method: 'POST',
      path,
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
      body,
    });

  it('refuses a switch to a color whose only backend was just taken out by 5xx responses', async () => {
    let failing = false;
    const { router, admin } = await setup(0, () => failing);
    expect((await send(router.url)).headers['x-greenlight-color']).toBe('blue');
    expect((await call(admin, '/switch', '{"to":"green"}')).status).toBe(200);
    expect((await send(router.url)).status).toBe(200);
    expect(router.switchState.servable('green')).toBe(true);
    failing = true;
    // three 5xx in a row take the backend out (passive check)
    for (let i = 0; i < 3; i++) expect((await send(router.url)).status).toBe(500);
    // published at once, not on the next tick: the switch back and forth follows immediately
    expect(router.switchState.servable('green')).toBe(false);
    expect((await call(admin, '/switch', '{"to":"blue"}')).status).toBe(200);
    const refused = await call(admin, '/switch', '{"to":"green"}');
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body).code).toBe('GL_ROUTER_UNHEALTHY_TARGET');
    expect(router.switchState.active).toBe('blue');
    expect((await send(router.url)).headers['x-greenlight-color']).toBe('blue');
  });

  it('refuses a switch (and a rollback) to a color whose backends all stopped answering health checks', async () => {
    const { router, admin, green } = await setup(20, () => false);
    for (let i = 0; i < 300 && !router.switchState.servable('green'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await call(admin, '/switch', '{"to":"green"}')).status).toBe(200);
    expect((await call(admin, '/switch', '{"to":"blue"}')).status).toBe(200);
    await green.close();
    for (let i = 0; i < 300 && router.switchState.servable('green'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(router.switchState.servable('green')).toBe(false);
    const generation = router.switchState.generation;
    for (const [path, body] of [
      ['/switch', '{"to":"green"}'],
      ['/rollback', '{}'],
    ]) {
      const r = await call(admin, path, body);
      expect(r.status).toBe(409);
      expect(JSON.parse(r.body).code).toBe('GL_ROUTER_UNHEALTHY_TARGET');
    }
    expect(router.switchState.active).toBe('blue');
    expect(router.switchState.generation).toBe(generation);
  });
});
