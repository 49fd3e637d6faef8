import { afterEach, describe, expect, it } from 'vitest';
import { createFakeModel } from './fake-model.js';
import { startModelServer } from './server.js';
import { testClient } from './test-client.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(opts: Partial<Parameters<typeof startModelServer>[0]> = {}) {
  const model = opts.model ?? createFakeModel();
  const server = await startModelServer({ version: 'v1', model, ...opts });
  const client = testClient(server.url);
  cleanup.push(
    () => server.close(),
    () => client.close(),
  );
  return { server, client };
}

/** Poll a condition on the event loop, bounded (no timed assertion: it fails only if it never holds). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

const readiness = (s: { client: ReturnType<typeof testClient> }) =>
  Promise.all(['/ready', '/v2/health/ready', '/v2/models/model/ready'].map((p) => s.client.get(p)));

describe('readiness follows warm-up', () => {
  it('answers 503 on every readiness endpoint until the warm-up inferences are done', async () => {
    const model = createFakeModel();
    model.pause();
    const s = await start({ model, warmup: 2 });
    await until(() => model.calls.length === 1);
    for (const r of await readiness(s)) expect(r.status).toBe(503);
    expect((await s.client.get('/ready')).json).toMatchObject({ ready: false, state: 'warming' });
    // alive while warming: liveness must not restart a server that is merely starting
    expect((await s.client.get('/health')).status).toBe(200);
    expect((await s.client.get('/v2/health/live')).json).toEqual({ live: true });
    model.resume();
    await s.server.ready;
    expect(model.calls.length).toBe(2);
    for (const r of await readiness(s)) expect(r.status).toBe(200);
    expect((await s.client.get('/v2/models/model/ready')).json).toEqual({ name: 'model', ready: true });
  });

  it('is ready at once with zero warm-up inferences', async () => {
    const model = createFakeModel();
    const s = await start({ model, warmup: 0 });
    await s.server.ready;
    expect(model.calls).toEqual([]);
    expect((await s.client.get('/ready')).status).toBe(200);
  });

  it('never becomes ready when warm-up yields garbage', async () => {
    const s = await start({ model: createFakeModel(() => ({ label: 'ham', score: Number.NaN })), warmup: 1 });
    await expect(s.server.ready).rejects.toMatchObject({ code: 'GL_WARMUP_FAILED' });
    expect(await s.server.failed).toMatchObject({ code: 'GL_WARMUP_FAILED' });
    expect(s.server.state()).toBe('failed');
    expect((await s.client.get('/ready')).json).toMatchObject({ ready: false, state: 'failed' });
  });
});

describe('a runtime that dies', () => {
  it('turns the server not ready and not alive, and settles `failed`', async () => {
    const model = createFakeModel();
    const s = await start({ model, warmup: 1 });
    await s.server.ready;
    expect((await s.client.get('/health')).status).toBe(200);
    model.crash('inference thread exited (code 1)');
    expect((await s.server.failed).message).toMatch(/inference thread exited/);
    expect(s.server.state()).toBe('failed');
    expect((await s.client.get('/ready')).status).toBe(503);
    expect((await s.client.get('/health')).json).toMatchObject({ status: 'failed' });
    expect((await s.client.get('/v2/health/live')).json).toEqual({ live: false });
    const a = await s.client.post('/predict', { text: 'x' });
    expect(a.status).toBe(500);
    expect(a.json.error).toMatch(/inference thread exited/);
  });
});

describe('draining', () => {
  it('stops being ready, finishes in-flight requests, tells clients to close, then stops listening', async () => {
    let endDelay!: () => void;
    const delay = new Promise<void>((r) => {
      endDelay = r;
    });
    const model = createFakeModel();
    const s = await start({ model, warmup: 0, drainDelayMs: 1000, sleep: () => delay });
    await s.server.ready;
    model.pause();
    const inFlight = s.client.post('/predict', { text: 'free money' });
    await until(() => model.calls.length === 1);

    const closed = s.server.close();
    expect(s.server.state()).toBe('draining');
    const ready = await s.client.get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ ready: false, state: 'draining' });
    expect(ready.headers.connection).toBe('close');

    model.resume();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ label: 'spam', score: 0.9, model_version: 'v1' });
    expect(answer.headers.connection).toBe('close');

    endDelay();
    await closed;
    await expect(fetch(`${s.server.url}/health`)).rejects.toThrow();
  });

  it('runs queued requests at once instead of waiting out the queue delay', async () => {
    const model = createFakeModel();
    const s = await start({ model, warmup: 0, maxQueueDelayMs: 600_000, maxBatchSize: 100 });
    await s.server.ready;
    const pending = [s.client.post('/predict', { text: 'a' }), s.client.post('/predict', { text: 'b' })];
    await until(() => s.server.batchStats().queued === 2);
    await s.server.close();
    expect((await Promise.all(pending)).map((a) => a.status)).toEqual([200, 200]);
    expect(model.calls).toEqual([['a', 'b']]);
  });
});
