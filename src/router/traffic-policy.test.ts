import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { StickySessions } from './sticky-sessions.js';
import { SwitchState } from './switch-state.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';
import { TrafficPolicy } from './traffic-policy.js';

describe('weights and sticky sessions', () => {
  let blue: Upstream;
  let green: Upstream;
  let router: Router | undefined;

  beforeAll(async () => {
    blue = await startUpstream('blue', 'v1');
    green = await startUpstream('green', 'v2');
  });
  afterEach(async () => {
    await router?.close(100);
    router = undefined;
  });
  afterAll(async () => {
    await blue.close();
    await green.close();
  });

  it('splits traffic by weight (deterministic random)', () => {
    let x = 0;
    // an evenly spread sequence in [0, 1): exact proportions without flakiness
    const state = new SwitchState();
    state.init('blue', 0, 0);
    const policy = new TrafficPolicy(state, () => (x++ % 100) / 100, null);
    policy.weights = { blue: 90, green: 10 };
    const counts = { blue: 0, green: 0 };
    for (let i = 0; i < 1000; i++) counts[policy.choose(undefined, 0, () => true)]++;
    expect(counts).toEqual({ blue: 900, green: 100 });
  });

  it('applies weights on the wire and a switch ends the split', async () => {
    let x = 0;
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      deps: { random: () => (x++ % 10) / 10 },
    });
    await router.setWeights({ blue: 50, green: 50 });
    const colors: string[] = [];
    for (let i = 0; i < 10; i++) colors.push(String((await send(router.url)).headers['x-greenlight-color']));
    expect(colors.filter((c) => c === 'green')).toHaveLength(5);
    await router.switchTo('green');
    for (let i = 0; i < 5; i++) expect((await send(router.url)).headers['x-greenlight-color']).toBe('green');
  });

  it('keeps a session on its color across a switch until the TTL, but not across a rollback', async () => {
    let now = 1_000_000;
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      stickyTtlMs: 60_000,
      deps: { now: () => now },
    });
    const colorOf = async (headers: Record<string, string> = {}) =>
      String((await send(router!.url, { headers })).headers['x-greenlight-color']);
    expect(await colorOf({ 'x-greenlight-session': 'alice' })).toBe('blue');
    expect(await colorOf({ cookie: 'a=1; greenlight-session=bob' })).toBe('blue');
    await router.switchTo('green');
    expect(await colorOf()).toBe('green');
    expect(await colorOf({ 'x-greenlight-session': 'alice' })).toBe('blue');
    expect(await colorOf({ cookie: 'greenlight-session=bob' })).toBe('blue');
    expect(await colorOf({ 'x-greenlight-session': 'carol' })).toBe('green');
    now += 60_001;
    expect(await colorOf({ 'x-greenlight-session': 'alice' })).toBe('green');
    // bob is still pinned to blue; a rollback (to blue) clears every pin, then carol follows
    await router.rollback();
    expect(await colorOf({ 'x-greenlight-session': 'carol' })).toBe('blue');
    expect(await colorOf({ cookie: 'greenlight-session=bob' })).toBe('blue');
  });

  it('keeps a session on its color while the weights change (staged rollout steps); clearing them sends it back', async () => {
    let x = 0;
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      stickyTtlMs: 600_000,
      // evenly spread in [0, 1): with 90/10, one session in ten lands on green
      deps: { random: () => (x++ % 10) / 10 },
    });
    const colorOf = async (session: string) =>
      String(
        (await send(router!.url, { headers: { 'x-greenlight-session': session } })).headers[
          'x-greenlight-color'
        ],
      );
    await router.setWeights({ blue: 90, green: 10 });
    const first: Record<string, string> = {};
    for (let i = 0; i < 20; i++) first[`u${i}`] = await colorOf(`u${i}`);
    const onGreen = Object.keys(first).filter((u) => first[u] === 'green');
    expect(onGreen).toHaveLength(2);
    // the next step: every user pinned at 10% stays where they were, at every request
    await router.setWeights({ blue: 50, green: 50 });
    for (let round = 0; round < 3; round++)
      for (const u of Object.keys(first)) expect(await colorOf(u), u).toBe(first[u]);
    // new users follow the new weights
    const fresh: string[] = [];
    for (let i = 0; i < 10; i++) fresh.push(await colorOf(`n${i}`));
    expect(fresh.filter((c) => c === 'green')).toHaveLength(5);
    // rolled back from a step (weights cleared, blue still active): nobody stays on green
    await router.setWeights(null);
    for (const u of [...onGreen, 'n0', 'n1', 'n5', 'n6']) expect(await colorOf(u), u).toBe('blue');
  });

  it('bounds the session table', () => {
    const s = new StickySessions(1000, 2);
    s.pin('a', 'blue', 0);
    s.pin('b', 'blue', 0);
    s.pin('c', 'green', 0);
    expect(s.size).toBe(2);
    expect(s.lookup('a', 1)).toBeUndefined();
    expect(s.lookup('c', 1)).toBe('green');
  });
});
