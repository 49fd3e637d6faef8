import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncodedRequest } from '../protocols/protocol.js';
import { startJsonServer } from '../protocols/testing/json-server.js';
import { systemClock } from './clock.js';
import { type FakeModelServer, startFakeModelServer } from './fake-server.js';
import { createHttpClient } from './http.js';
import { createLatencyHistogram } from './load.js';
import { runPairedLoad } from './paired-load.js';

describe('runPairedLoad', () => {
  const client = createHttpClient();
  let blue: FakeModelServer;
  let green: FakeModelServer;
  beforeAll(async () => {
    blue = await startFakeModelServer({ version: 'v1' });
    green = await startFakeModelServer({ version: 'v2', failWith: 500 });
  });
  afterAll(async () => {
    await Promise.all([blue.close(), green.close(), client.close()]);
  });

  it('sends every text to both colors in turn, recording only successes and counting each color’s failures', async () => {
    const h = { baseline: createLatencyHistogram(), candidate: createLatencyHistogram() };
    const before = { b: blue.requests.predict, g: green.requests.predict };
    const r = await runPairedLoad({
      client,
      urls: { baseline: [blue.url], candidate: [green.url] },
      texts: ['a', 'b'],
      concurrency: 2,
      durationMs: 150,
      histograms: h,
      clock: systemClock(),
    });
    // each worker finishes its pair, so both colors got exactly as many requests
    expect(r.requests.baseline).toBe(r.requests.candidate);
    expect(r.requests.baseline).toBeGreaterThan(0);
    expect(blue.requests.predict - before.b).toBe(r.requests.baseline);
    expect(green.requests.predict - before.g).toBe(r.requests.candidate);
    expect(h.baseline.totalCount).toBe(r.requests.baseline);
    expect(h.candidate.totalCount).toBe(0);
    expect(r.errors.candidate).toBe(r.requests.candidate);
    expect(r.errorSamples.candidate).toEqual(['HTTP 500']);
    h.baseline.destroy();
    h.candidate.destroy();
  });

  it("sends each color its own protocol's encoding of the same sample", async () => {
    const server = await startJsonServer(() => ({ body: {} }));
    const { url } = server;
    const encode = (method: 'POST' | 'PUT', path: string) => (i: number) =>
      ({ method, path, body: { sample: i } }) satisfies EncodedRequest;
    const h = { baseline: createLatencyHistogram(), candidate: createLatencyHistogram() };
    try {
      const r = await runPairedLoad({
        client,
        urls: { baseline: [url], candidate: [url] },
        calls: { baseline: [0, 1].map(encode('POST', '/b')), candidate: [0, 1].map(encode('PUT', '/c')) },
        concurrency: 1,
        durationMs: 100,
        histograms: h,
        clock: systemClock(),
      });
      expect(r.errors).toEqual({ baseline: 0, candidate: 0 });
      // one worker: pairs in turn, the first color alternating, both asked the same sample
      expect(server.requests.slice(0, 4)).toEqual([
        { method: 'POST', path: '/b', body: { sample: 0 } },
        { method: 'PUT', path: '/c', body: { sample: 0 } },
        { method: 'PUT', path: '/c', body: { sample: 1 } },
        { method: 'POST', path: '/b', body: { sample: 1 } },
      ]);
    } finally {
      h.baseline.destroy();
      h.candidate.destroy();
      await server.close();
    }
  });
});
