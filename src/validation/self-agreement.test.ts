import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../models/prng.js';
import { protocolFor } from '../protocols/registry.js';
import { startJsonServer } from '../protocols/testing/json-server.js';
import { DEFAULT_OUTPUT, protocolDefaults } from '../spec/server.js';
import { defaultValidationSpec } from '../spec/validation-defaults.js';
import { type FakeModelServer, startFakeModelServer } from './fake-server.js';
import { createHttpClient } from './http.js';
import { runValidation } from './run.js';
import { measureSelfAgreement } from './self-agreement.js';

/** A sampling model: the label of `win` texts is spam, but each answer is flipped with probability `flip`. */
function noisy(flip: number, seed: number) {
  const random = createRandom(seed);
  return (text: string) => {
    const spam = text.includes('win') !== random.next() < flip;
    return { label: spam ? 'spam' : 'ham', score: 0.9 };
  };
}

describe('self-agreement mode (non-deterministic models)', () => {
  const servers: FakeModelServer[] = [];
  let blue: FakeModelServer;
  let blue2: FakeModelServer;
  let same: FakeModelServer;
  let worse: FakeModelServer;
  const samples = Array.from({ length: 1000 }, (_, i) => ({ text: i % 3 === 0 ? `win ${i}` : `hi ${i}` }));
  const spec = (selfAgreement: 'off' | 'repeat' | 'replicas') => ({
    ...defaultValidationSpec(),
    gates: ['agreement' as const],
    shadowTrafficSampleSize: 600,
    selfAgreement,
  });
  beforeAll(async () => {
    // flipping 3% per answer, two answers agree (0.97² + 0.03²) ≈ 94.2% of the time: below 0.95
    blue = await startFakeModelServer({ predict: noisy(0.03, 1) });
    blue2 = await startFakeModelServer({ predict: noisy(0.03, 2) });
    same = await startFakeModelServer({ predict: noisy(0.03, 3), version: 'v2' });
    worse = await startFakeModelServer({ predict: noisy(0.15, 4), version: 'v3' });
    servers.push(blue, blue2, same, worse);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('a candidate as noisy as the baseline is failed or undecided without it, and passes against the baseline’s own agreement', async () => {
    const [plain] = await runValidation({
      spec: spec('off'),
      baseline: blue.url,
      candidate: same.url,
      samples,
    });
    expect(plain.status, plain.summary).not.toBe('passed');
    const [r] = await runValidation({
      spec: spec('repeat'),
      baseline: blue.url,
      candidate: same.url,
      samples,
    });
    expect(r.status, r.summary).toBe('passed');
    const self = r.evidence.selfAgreement as { pairs: number; rate: number; effectiveThreshold: number };
    expect(self.pairs).toBe(200);
    expect(self.rate).toBeGreaterThan(0.9);
    expect(self.rate).toBeLessThan(0.98);
    expect(self.effectiveThreshold).toBeCloseTo(0.95 - (1 - self.rate), 4);
    expect(r.summary).toMatch(/against the baseline's self-agreement \d+\/200: threshold 0\.\d+/);
  });

  it('a candidate noisier than the baseline still fails; `replicas` asks two baseline replicas', async () => {
    const [r] = await runValidation({
      spec: spec('repeat'),
      baseline: blue.url,
      candidate: worse.url,
      samples,
    });
    expect(r.status, r.summary).toBe('failed');
    const [two] = await runValidation({
      spec: spec('replicas'),
      baseline: [blue.url, blue2.url],
      candidate: [same.url, same.url],
      samples,
    });
    expect(two.status, two.summary).toBe('passed');
    const [one] = await runValidation({
      spec: spec('replicas'),
      baseline: blue.url,
      candidate: same.url,
      samples,
    });
    expect(one).toMatchObject({ status: 'error' });
    expect(one.summary).toContain('needs two baseline replicas');
  });

  it("speaks the baseline's protocol and compares by the spec's output kind", async () => {
    // A regression model behind its own JSON API whose answers jitter by up to 1% between calls.
    const random = createRandom(5);
    const api = await startJsonServer(({ method, path, body }) => {
      const x = (body as { features?: number[] } | undefined)?.features?.[0];
      if (method !== 'POST' || path !== '/score' || typeof x !== 'number') return undefined;
      return { body: { y: x * 10 * (1 + (random.next() - 0.5) * 0.02) } };
    });
    const client = createHttpClient();
    const protocol = protocolFor({
      ...protocolDefaults('http-json'),
      request: { method: 'POST', path: '/score', template: { features: '$input' } },
      response: { value: 'y' },
    });
    const inputs = Array.from({ length: 50 }, (_, i) => ({ input: [i + 1], text: `[${i + 1}]` }));
    const measure = (relTolerance: number) =>
      measureSelfAgreement({
        mode: 'repeat',
        client,
        baseline: [api.url],
        samples: inputs,
        order: inputs.map((_, i) => i),
        count: 50,
        threshold: 0.95,
        scoreTolerance: 0.05,
        protocol,
        output: { ...DEFAULT_OUTPUT, kind: 'regression', relTolerance },
      });
    try {
      // within a 5% relative tolerance the model always agrees with itself; within 0.01%, rarely
      expect(await measure(0.05)).toMatchObject({ pairs: 50, agreed: 50 });
      const strict = await measure(1e-4);
      expect(strict).toMatchObject({ pairs: 50 });
      expect((strict as { agreed: number }).agreed).toBeLessThan(10);
      expect(api.requests.every((r) => r.path === '/score')).toBe(true);
    } finally {
      await Promise.all([api.close(), client.close()]);
    }
  });
});
