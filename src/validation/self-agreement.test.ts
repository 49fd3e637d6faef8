import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../models/prng.js';
import { defaultValidationSpec } from './defaults.js';
import { type FakeModelServer, startFakeModelServer } from './fake-server.js';
import { runValidation } from './run.js';

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
});
