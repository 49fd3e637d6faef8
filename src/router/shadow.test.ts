import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRouter, type Router } from './router.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';
import type { ShadowPair } from './types.js';

describe('shadow traffic', () => {
  let blue: Upstream;
  let green: Upstream;
  let router: Router | undefined;
  /** What the candidate does, switchable per test. */
  let mode: 'ok' | 'hang' | 'error' = 'ok';
  const hung: (() => void)[] = [];
  /** Primary responses held back by the test (path /held). */
  const held: (() => void)[] = [];

  beforeAll(async () => {
    blue = await startUpstream('blue', 'v1', (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/held') return void held.push(() => res.end(JSON.stringify({ label: 'ham' })));
      res.end(JSON.stringify({ label: 'ham', input: req.body }));
    });
    green = await startUpstream('green', 'v2', (req, res) => {
      if (mode === 'hang') return void hung.push(() => res.end('late'));
      if (mode === 'error') {
        res.statusCode = 500;
        return res.end('{"error":"boom"}');
      }
      res.end(JSON.stringify({ label: 'spam', input: req.body }));
    });
  });
  afterEach(async () => {
    for (const h of hung.splice(0)) h();
    for (const h of held.splice(0)) h();
    await router?.close(100);
    router = undefined;
    mode = 'ok';
  });
  afterAll(async () => {
    await blue.close();
    await green.close();
  });

  const waitFor = async (cond: () => boolean) => {
    for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    return cond();
  };

  it('captures both responses as a pair and never shows the copy to the user', async () => {
    router = await createRouter({ blue: [blue.url], green: [green.url], healthCheck: { intervalMs: 0 } });
    const got: ShadowPair[] = [];
    const unsubscribe = router.onShadowPair((p) => got.push(p));
    await router.setShadow({ enabled: true, sampleRate: 1 });
    const r = await send(router.url, {
      path: '/predict',
      body: '{"text":"win money"}',
      headers: { 'x-request-id': 'req-1' },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ label: 'ham', input: '{"text":"win money"}' });
    expect(r.headers['x-greenlight-color']).toBe('blue');
    expect(await waitFor(() => got.length === 1)).toBe(true);
    const p = got[0];
    expect(p).toMatchObject({
      requestId: 'req-1',
      method: 'POST',
      path: '/predict',
      requestBody: '{"text":"win money"}',
    });
    expect(p.primary).toMatchObject({ color: 'blue', status: 200, version: 'v1' });
    expect(JSON.parse(p.primary.body).label).toBe('ham');
    expect(p.shadow).toMatchObject({ color: 'green', status: 200, version: 'v2' });
    expect(JSON.parse(p.shadow.body)).toEqual({ label: 'spam', input: '{"text":"win money"}' });
    expect(green.seen.at(-1)?.headers['x-greenlight-shadow']).toBe('1');
    unsubscribe();
  });

  it('sends the copy only after the user has been answered', async () => {
    router = await createRouter({ blue: [blue.url], green: [green.url], healthCheck: { intervalMs: 0 } });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    const got: ShadowPair[] = [];
    router.onShadowPair((p) => got.push(p));
    const greenBefore = green.seen.length;
    const answer = send(router.url, { path: '/held', body: 'h' });
    expect(await waitFor(() => held.length === 1)).toBe(true);
    // the user's exchange is still running: no copy has left for the candidate
    await new Promise((r) => setTimeout(r, 50));
    expect(green.seen.length).toBe(greenBefore);
    held.shift()!();
    expect((await answer).status).toBe(200);
    expect(await waitFor(() => got.length === 1)).toBe(true);
    expect(green.seen.length).toBe(greenBefore + 1);
    expect(got[0]).toMatchObject({ path: '/held', requestBody: 'h', primary: { status: 200 } });
  });

  it('answers the user while the candidate hangs, and records the timeout', async () => {
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      shadow: { timeoutMs: 200 },
    });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    mode = 'hang';
    const r = await send(router.url, { path: '/predict', body: 'x' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).label).toBe('ham');
    // the user's response came back while the copy was still outstanding
    expect((await router.shadowPairs(0, 10)).pairs).toHaveLength(0);
    expect(await waitFor(() => hung.length === 1)).toBe(true);
    let pairs: ShadowPair[] = [];
    await waitFor(() => {
      void router!.shadowPairs(0, 10).then((x) => {
        pairs = x.pairs;
      });
      return pairs.length === 1;
    });
    expect(pairs[0].shadow.error).toBe('timeout');
    expect(pairs[0].primary.status).toBe(200);
  });

  it('keeps the user response intact when the candidate errors', async () => {
    router = await createRouter({ blue: [blue.url], green: [green.url], healthCheck: { intervalMs: 0 } });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    mode = 'error';
    const r = await send(router.url, { path: '/predict', body: 'y' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).label).toBe('ham');
    const got: ShadowPair[] = [];
    router.onShadowPair((p) => got.push(p));
    await send(router.url, { path: '/predict', body: 'z' });
    // the copy leaves after the user's response: wait for this request's pair
    expect(await waitFor(() => got.some((p) => p.requestBody === 'z'))).toBe(true);
    expect(got.find((p) => p.requestBody === 'z')?.shadow.status).toBe(500);
    // a failing candidate is never where users go: the active color is untouched
    expect((await router.state()).active).toBe('blue');
  });

  it('drops and counts copies beyond the concurrency bound instead of queueing', async () => {
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      shadow: { maxConcurrent: 2, timeoutMs: 10_000 },
    });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    mode = 'hang';
    for (let i = 0; i < 6; i++)
      expect((await send(router.url, { path: '/p', body: String(i) })).status).toBe(200);
    expect(await waitFor(() => hung.length === 2)).toBe(true);
    const page = await router.shadowPairs(0, 100);
    expect(page.dropped).toBe(4);
    expect(await router.metrics.registry.metrics()).toMatch(
      /greenlight_router_shadow_total\{outcome="dropped"\} 4/,
    );
  });

  it('keeps only the newest pairs when the buffer is full, counting the evicted', async () => {
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      shadow: { bufferSize: 3 },
    });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    let count = 0;
    router.onShadowPair(() => count++);
    for (let i = 0; i < 5; i++) await send(router.url, { path: '/p', body: String(i) });
    expect(await waitFor(() => count === 5)).toBe(true);
    const page = await router.shadowPairs(0, 100);
    expect(page.pairs.map((p) => p.seq)).toEqual([3, 4, 5]);
    expect(page.pairs.map((p) => p.requestBody)).toEqual(['2', '3', '4']);
    expect(page.dropped).toBe(2);
    expect(page.nextSeq).toBe(5);
  });

  it('samples at the configured rate with the injected random source', async () => {
    const draws = [0.1, 0.9, 0.3, 0.7];
    let i = 0;
    router = await createRouter({
      blue: [blue.url],
      green: [green.url],
      healthCheck: { intervalMs: 0 },
      deps: { random: () => draws[i++ % draws.length] },
    });
    await router.setShadow({ enabled: true, sampleRate: 0.5 });
    let count = 0;
    router.onShadowPair(() => count++);
    for (let k = 0; k < 4; k++) await send(router.url, { path: '/p', body: String(k) });
    await waitFor(() => count === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(count).toBe(2);
  });

  it('feeds the candidate answers to copies into its passive health', async () => {
    router = await createRouter({ blue: [blue.url], green: [green.url], healthCheck: { intervalMs: 0 } });
    await router.setShadow({ enabled: true, sampleRate: 1 });
    mode = 'error';
    const got: ShadowPair[] = [];
    router.onShadowPair((p) => got.push(p));
    for (let i = 0; i < 3; i++)
      expect((await send(router.url, { path: '/p', body: String(i) })).status).toBe(200);
    expect(await waitFor(() => got.length === 3)).toBe(true);
    // three 5xx in a row take a backend out (maxFailures), whichever thread saw them
    let healthy = true;
    for (let k = 0; k < 100 && healthy; k++) {
      healthy = (await router.state()).colors.green.backends[0].healthy;
      if (healthy) await new Promise((r) => setTimeout(r, 20));
    }
    expect(healthy).toBe(false);
  });
});
