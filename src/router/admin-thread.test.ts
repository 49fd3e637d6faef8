import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { createRouter, type Router } from './router.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';

describe('admin thread', () => {
  let blue: Upstream;
  let green: Upstream;
  let router: Router;
  let admin: AdminServer;

  beforeAll(async () => {
    blue = await startUpstream('blue', 'v1');
    green = await startUpstream('green', 'v2');
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 20 },
      stickyTtlMs: 60_000,
    });
    admin = await startAdminServer(router, { token: 'tok' });
    for (
      let i = 0;
      i < 300 && !(router.switchState.servable('blue') && router.switchState.servable('green'));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  afterAll(async () => {
    await admin.close();
    await router.close(100);
    await blue.close();
    await green.close();
  });

  /** Send a raw admin request, then spin the main thread until `done()`: only another thread can make it true. */
  async function whileMainThreadBlocked(
    request: string,
    done: () => boolean,
    spinMs = 3000,
  ): Promise<boolean> {
    const sock = net.connect(admin.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(request);
    const until = Date.now() + spinMs;
    let seen = false;
    while (Date.now() < until && !seen) seen = done();
    sock.destroy();
    return seen;
  }

  it('commits a switch while the data-plane thread is busy, and the data plane obeys it', async () => {
    expect(router.switchState.servable('green')).toBe(true);
    const before = router.switchState.generation;
    const body = '{"to":"green"}';
    const committed = await whileMainThreadBlocked(
      `POST /switch HTTP/1.1\r\nhost: a\r\nauthorization: Bearer tok\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      () => router.switchState.active === 'green',
    );
    expect(committed).toBe(true);
    expect(router.switchState.generation).toBe(before + 1);
    const r = await send(router.url);
    expect(r.headers['x-greenlight-color']).toBe('green');
    expect(r.headers['x-greenlight-generation']).toBe(String(before + 1));
  });

  it('never fast-paths an unauthorized switch', async () => {
    const active = router.switchState.active;
    const flipped = await whileMainThreadBlocked(
      'POST /rollback HTTP/1.1\r\nhost: a\r\nauthorization: Bearer nope\r\ncontent-length: 0\r\n\r\n',
      () => router.switchState.active !== active,
      500,
    );
    expect(flipped).toBe(false);
    expect(router.switchState.active).toBe(active);
  });

  it('applies what a switch implies on the data plane: weights end, a rollback clears sticky pins', async () => {
    const auth = { authorization: 'Bearer tok', 'content-type': 'application/json' };
    await send(admin.url, { method: 'POST', path: '/switch', headers: auth, body: '{"to":"blue"}' });
    expect(
      (await send(router.url, { headers: { 'x-greenlight-session': 's1' } })).headers['x-greenlight-color'],
    ).toBe('blue');
    await send(admin.url, { method: 'POST', path: '/weights', headers: auth, body: '{"blue":0,"green":1}' });
    expect((await send(router.url)).headers['x-greenlight-color']).toBe('green');
    // a switch (committed on the admin thread) ends the split
    await send(admin.url, { method: 'POST', path: '/switch', headers: auth, body: '{"to":"green"}' });
    expect((await router.state()).weights).toBeNull();
    // s1 stays pinned to blue across the switch; a rollback (to blue, then back) clears the pin
    expect(
      (await send(router.url, { headers: { 'x-greenlight-session': 's1' } })).headers['x-greenlight-color'],
    ).toBe('blue');
    const rb = JSON.parse(
      (await send(admin.url, { method: 'POST', path: '/rollback', headers: auth, body: '' })).body,
    );
    expect(rb.active).toBe('blue');
    await send(admin.url, { method: 'POST', path: '/switch', headers: auth, body: '{"to":"green"}' });
    expect(
      (await send(router.url, { headers: { 'x-greenlight-session': 's1' } })).headers['x-greenlight-color'],
    ).toBe('green');
  });
});
