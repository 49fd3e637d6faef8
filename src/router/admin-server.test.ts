import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { bearerMatches } from './auth.js';
import { createRouter, type Router } from './router.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';

describe('admin API', () => {
  let up: Upstream;
  let router: Router;
  let admin: AdminServer;

  beforeAll(async () => {
    up = await startUpstream('blue', 'v1');
    router = await createRouter({ blue: [up.url], green: [up.url], healthCheck: { intervalMs: 0 } });
    admin = await startAdminServer(router, { token: 's3cret-token' });
  });
  afterAll(async () => {
    await admin.close();
    await router.close(100);
    await up.close();
  });

  it.each([
    ['GET', '/state'],
    ['POST', '/switch'],
    ['POST', '/rollback'],
    ['POST', '/weights'],
    ['PUT', '/shadow'],
    ['GET', '/shadow/pairs'],
    ['PUT', '/backends'],
    ['GET', '/drain?color=blue'],
  ])('refuses %s %s without the token or with a wrong one (401)', async (method, path) => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Bearer s3cret-token-but-longer',
      's3cret-token',
      'Bearer ',
    ]) {
      const r = await send(admin.url, {
        method,
        path,
        headers: authorization ? { authorization } : {},
        body: method === 'GET' ? undefined : '{"to":"green"}',
      });
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body).code).toBe('GL_ROUTER_UNAUTHORIZED');
    }
    expect((await router.state()).generation).toBe(0);
  });

  it('serves /metrics without a token, with the router metric names', async () => {
    await send(router.url);
    const r = await send(admin.url, { path: '/metrics' });
    expect(r.status).toBe(200);
    for (const name of [
      'greenlight_router_requests_total{color="blue",code="200"} 1',
      'greenlight_router_request_duration_seconds_bucket',
      'greenlight_router_in_flight{color="blue"} 0',
      'greenlight_router_active_color{color="blue"} 1',
      'greenlight_router_generation 0',
      'greenlight_router_shadow_total{outcome="sent"} 0',
    ]) {
      expect(r.body).toContain(name);
    }
  });

  it('answers 400 to bad JSON and bad fields, 404 to unknown routes', async () => {
    const auth = { authorization: 'Bearer s3cret-token' };
    const badJson = await send(admin.url, { method: 'POST', path: '/switch', headers: auth, body: '{' });
    expect(badJson.status).toBe(400);
    const badColor = await send(admin.url, {
      method: 'POST',
      path: '/switch',
      headers: auth,
      body: '{"to":"red"}',
    });
    expect(badColor.status).toBe(400);
    expect(badColor.body).toContain('red');
    expect((await send(admin.url, { path: '/nope', headers: auth })).status).toBe(404);
    const clear = await send(admin.url, { method: 'POST', path: '/weights', headers: auth, body: '{}' });
    expect(JSON.parse(clear.body)).toEqual({ weights: null });
  });

  it('compares tokens exactly', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ab', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
    // a prefix or an extension of the token, padded or cut to its length, must not pass
    expect(bearerMatches('Bearer abc\u0000', 'abc')).toBe(false);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ', 'abc')).toBe(false);
    expect(bearerMatches('Bearer é', 'é')).toBe(true);
    expect(bearerMatches('Bearer e', 'é')).toBe(false);
  });
});
