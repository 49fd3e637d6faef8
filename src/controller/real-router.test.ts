import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Router } from '../router/router.js';
import { send, type Upstream } from '../router/test-helpers.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import { createFakeClock } from './testing/fake-clock.js';
import { type RealRouterWorld, startRealRouterWorld } from './testing/real-router-world.js';
import { testSpec } from './testing/spec.js';

/**
 * The controller driving the real in-process router, with stand-in model servers on loopback and
 * the in-process signal source scraping the router's real /metrics: users' requests prove where
 * traffic went, and a failing green is rolled back from real metrics.
 */
let w: RealRouterWorld;
let green: Upstream;
let router: Router;
let store: SqliteStore;

beforeAll(async () => {
  w = await startRealRouterWorld();
  ({ green, router, store } = w);
});
afterAll(() => w?.close());

it('serves users from blue until the switch, green after, and rolls back on real error metrics', async () => {
  const clock = createFakeClock();
  const controller = w.controller(router, clock);
  const spec = testSpec();
  spec.blue.replicas = 1;
  spec.green.replicas = 1;
  spec.validation.source = 'samples';
  store.addIntent({ deployment: 'spam', kind: 'apply', actor: 'alice', reason: null, payload: { spec } });

  const colors: string[] = [];
  const generations: number[] = [];
  const user = async () => {
    const r = await send(router.url, { method: 'POST', path: '/predict', body: '{"text":"hi"}' });
    colors.push(`${r.headers['x-greenlight-color']}:${r.status}`);
    generations.push(Number(r.headers['x-greenlight-generation']));
  };
  const phase = () => store.listRollouts('spam', 1)[0]?.phase;
  for (let i = 0; i < 50 && !(phase() === 'Observing' && store.listRollouts('spam').length === 2); i++) {
    await controller.reconcileOnce();
    await controller.settled();
    if (store.getDeployment('spam')?.activeColor) await user();
    clock.advance(1000);
  }
  expect(phase()).toBe('Observing');
  const switchedAt = colors.length;
  const sw = store
    .listAudit({ deployment: 'spam' })
    .find((a) => a.kind === 'switch' && a.data.to === 'green')!;
  const gen = sw.data.generation as number;
  const before = colors.filter((_, i) => generations[i] < gen);
  expect(before.length).toBeGreaterThan(3);
  expect(before.filter((c) => c !== 'blue:200')).toEqual([]);
  expect(colors.filter((_, i) => generations[i] >= gen).every((c) => c === 'green:200')).toBe(true);
  // green saw the warm-up and the users' requests after the switch, nothing else on /predict
  const servedByGreen = colors.filter((c) => c.startsWith('green')).length;
  expect(green.seen.filter((r) => r.url === '/predict').length).toBe(spec.warmupRequests + servedByGreen);

  await user();
  expect(colors.at(-1)).toBe('green:200');
  w.failGreen(true);
  for (let i = 0; i < 20 && phase() === 'Observing'; i++) {
    for (let j = 0; j < 5; j++) await user();
    clock.advance(10_000);
    await controller.reconcileOnce();
  }
  expect(phase()).toBe('RolledBack');
  const rb = store.listAudit({ deployment: 'spam' }).find((a) => a.kind === 'rollback')!;
  expect(rb.data).toMatchObject({ rule: 'errorRate', from: 'green', to: 'blue' });
  expect(rb.data.measured as number).toBeGreaterThan(0.5);
  await user();
  expect(colors.at(-1)).toBe('blue:200');
  expect(colors.slice(switchedAt).some((c) => c.startsWith('green:5'))).toBe(true);
  expect((await router.state()).active).toBe('blue');
});
