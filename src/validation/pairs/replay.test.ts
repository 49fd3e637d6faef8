import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, type FakeModelServer, startFakeModelServer } from '../fake-server.js';
import { createHttpClient } from '../http.js';
import { replayPairs } from './replay.js';

describe('replayPairs', () => {
  const client = createHttpClient();
  let blue: FakeModelServer;
  let green: FakeModelServer;
  beforeAll(async () => {
    blue = await startFakeModelServer({ version: 'v1' });
    green = await startFakeModelServer({ version: 'v2', delayMs: 5 });
  });
  afterAll(async () => {
    await Promise.all([blue.close(), green.close(), client.close()]);
  });

  const samples = Array.from({ length: 30 }, (_, i) => ({
    text: i % 3 === 0 ? `win ${i}` : `hello ${i}`,
    slice: i % 2 ? 'odd' : 'even',
  }));

  it('sends every sample to both colors and yields pairs in file order', async () => {
    const got = [];
    for await (const p of replayPairs({
      client,
      baseline: [blue.url],
      candidate: [green.url],
      samples,
      concurrency: 4,
    }))
      got.push(p);
    expect(got.map((p) => p.id)).toEqual(samples.map((_, i) => `sample-${i + 1}`));
    expect(got[0]).toMatchObject({
      text: 'win 0',
      slice: 'even',
      baseline: { status: 200, version: 'v1', body: { label: 'spam' } },
      candidate: { version: 'v2' },
    });
  });

  it('sends in the given order when one is given, naming each pair by its line in the file', async () => {
    const order = [29, 0, 15];
    const got = [];
    for await (const p of replayPairs({
      client,
      baseline: [blue.url],
      candidate: [green.url],
      samples,
      order,
    }))
      got.push(p.id);
    expect(got).toEqual(['sample-30', 'sample-1', 'sample-16']);
  });

  it('stops sending when the consumer stops: at most `concurrency` samples beyond what was taken', async () => {
    const before = green.requests.predict;
    let taken = 0;
    for await (const _ of replayPairs({
      client,
      baseline: [blue.url],
      candidate: [green.url],
      samples,
      concurrency: 3,
    })) {
      if (++taken === 5) break;
    }
    expect(green.requests.predict - before).toBeLessThanOrEqual(5 + 3);
  });

  it('captures an unreachable color as status 0 with the reason instead of throwing', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const it = replayPairs({ client, baseline: [blue.url], candidate: [dead], samples: samples.slice(0, 1) });
    const first = await it.next();
    expect(first.value?.candidate).toMatchObject({
      status: 0,
      body: { error: expect.stringContaining('ECONNREFUSED') },
    });
  });
});
