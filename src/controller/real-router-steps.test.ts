import { afterAll, beforeAll, expect, it } from 'vitest';
import { RouterAdminClient } from '../router/admin-client.js';
import { send } from '../router/test-helpers.js';
import { createFakeClock } from './testing/fake-clock.js';
import { type RealRouterWorld, startRealRouterWorld } from './testing/real-router-world.js';
import { testSpec } from './testing/spec.js';

/**
 * A staged rollout through the real router's admin API over HTTP (as in `greenlight up`, where the
 * router is another process): users' responses show each step's share, and a candidate that fails
 * on its share is caught from the router's real per-color /metrics and rolled back to 0%.
 */
let w: RealRouterWorld;

beforeAll(async () => {
  // an evenly spread "random": exact shares, no flakiness
  let x = 0;
  w = await startRealRouterWorld(() => (x++ % 20) / 20);
});
afterAll(() => w?.close());

it('moves real traffic through the steps over the admin API and rolls back to 0% on real per-color metrics', async () => {
  const { router, admin, store } = w;
  const clock = createFakeClock();
  const control = new RouterAdminClient(admin.url, 't');
  const controller = w.controller(control, clock);
  const spec = testSpec();
  spec.blue.replicas = 1;
  spec.green.replicas = 1;
  spec.warmupRequests = 0;
  spec.validation.source = 'samples';
  // loopback latencies are noise; a pending latency rule would (rightly) hold the next step
  spec.observation.rules.latencyRegression.enabled = false;
  spec.rollout = {
    steps: [
      { weight: 10, pauseSeconds: 60 },
      { weight: 50, pauseSeconds: 600 },
    ],
  };
  store.addIntent({ deployment: 'spam', kind: 'apply', actor: 'alice', reason: null, payload: { spec } });
  const phase = () => store.listRollouts('spam', 1)[0]?.phase;
  const share = async (n: number) => {
    const colors: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await send(router.url, { method: 'POST', path: '/predict', body: '{"text":"hi"}' });
      colors.push(String(r.headers['x-greenlight-color']));
    }
    return colors.filter((c) => c === 'green').length / n;
  };
  for (let i = 0; i < 50 && !(phase() === 'Stepping' && store.listRollouts('spam').length === 2); i++) {
    await controller.reconcileOnce();
    await controller.settled();
    clock.advance(1000);
  }
  const generation = (await control.state()).generation;
  await controller.reconcileOnce();
  expect((await control.state()).weights).toEqual({ blue: 90, green: 10 });
  expect(await share(100)).toBeCloseTo(0.1, 5);
  clock.advance(60_000);
  await controller.reconcileOnce();
  expect((await control.state()).weights).toEqual({ blue: 50, green: 50 });
  expect(await share(100)).toBeCloseTo(0.5, 5);

  // the candidate fails on its share; the baseline's share of the same users is fine
  w.failGreen(true);
  for (let i = 0; i < 20 && phase() === 'Stepping'; i++) {
    await share(20);
    clock.advance(10_000);
    await controller.reconcileOnce();
  }
  expect(phase()).toBe('RolledBack');
  const rb = store.listAudit({ deployment: 'spam' }).find((a) => a.kind === 'rollback')!;
  expect(rb.data).toMatchObject({ rule: 'errorRate', from: 'green', to: 'blue' });
  expect(rb.data.measured as number).toBe(1);
  expect(String(rb.data.detail)).toContain('at step 2/2 (50% to green)');
  // the router never switched: the split ended with the weights
  expect(await control.state()).toMatchObject({ active: 'blue', weights: null, generation });
  expect(await share(40)).toBe(0);
});
