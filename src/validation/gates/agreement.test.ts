import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { defaultValidationSpec } from '../../spec/validation-defaults.js';
import { fakeClock } from '../fake-server.js';
import type { ComparisonPair } from '../types.js';
import { agreementGate } from './agreement.js';
import { answer, pair } from './testing-pairs.js';

const spec = defaultValidationSpec();

/** An endless pair source; counts how many pairs were pulled, so early stopping is visible. */
function source(make: (i: number) => ComparisonPair) {
  const state = { pulled: 0 };
  async function* gen() {
    for (let i = 0; i < 100_000; i++) {
      state.pulled++;
      yield make(i);
    }
  }
  return { pairs: gen(), state };
}

const agree = (i: number, slice?: string) =>
  pair(i, answer('spam', 0.9), answer('spam', 0.95, 'v2'), { slice });
const disagree = (i: number, slice?: string) =>
  pair(i, answer('spam', 0.9), answer('ham', 0.8, 'v2'), { slice });

describe('agreement gate', () => {
  it('passes a perfectly agreeing candidate early: the SPRT accepts at pair 66 of the 150 cap', async () => {
    const s = source((i) => agree(i));
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status).toBe('passed');
    expect(r.measured).toMatchObject({ compared: 66, decidedBy: 'sprt' });
    expect(s.state.pulled).toBe(66);
  });

  it('fails a clearly disagreeing candidate after a handful of pairs, keeping examples', async () => {
    const s = source((i) => (i % 3 === 0 ? disagree(i) : agree(i)));
    const r = await agreementGate({
      pairs: s.pairs,
      spec: { ...spec, maxDisagreementExamples: 1 },
      clock: fakeClock(),
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('SPRT rejected');
    expect(s.state.pulled).toBeLessThan(20);
    const ex = r.evidence.disagreements as { baseline: unknown; candidate: unknown; text: string }[];
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({
      text: 'text 0',
      baseline: answer('spam', 0.9),
      candidate: answer('ham', 0.8, 'v2'),
    });
  });

  it('reaching the cap undecided is inconclusive, never a pass', async () => {
    // 1 disagreement in 25 = 96%: inside the indifference zone, Wilson lower bound below 0.95
    const s = source((i) => (i % 25 === 24 ? disagree(i) : agree(i)));
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status).toBe('inconclusive');
    expect(r.measured.compared).toBe(150);
    expect(s.state.pulled).toBe(150);
  });

  it('counts borderline label flips within scoreTolerance as agreement', async () => {
    // P(spam) 0.52 vs 0.49: labels differ but the probabilities are 0.03 apart
    const s = source((i) => pair(i, answer('spam', 0.52), answer('ham', 0.51)));
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status).toBe('passed');
    const far = source((i) => pair(i, answer('spam', 0.6), answer('ham', 0.6)));
    expect((await agreementGate({ pairs: far.pairs, spec, clock: fakeClock() })).status).toBe('failed');
  });

  it('a candidate error is a disagreement; a baseline error is skipped', async () => {
    const s = source((i) =>
      i % 2 === 0
        ? pair(i, { status: 503, error: 'x' }, answer('spam', 0.9))
        : pair(i, answer('spam', 0.9), { status: 500, error: 'y' }),
    );
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status).toBe('failed');
    expect(r.evidence).toMatchObject({ baselineFailures: 2, candidateFailures: 2 });
  });

  it('fails on a bad slice (Benjamini–Hochberg) and names it, even when the overall rate could pass', async () => {
    // plain always agrees; html (1 in 5 pairs) agrees 50%: overall 90%… so use a large cap and a
    // loose SPRT to show the slice verdict: html 0.5 over ≥ 20 pairs is far below 0.95.
    const s = source((i) =>
      i % 5 === 0 ? (i % 10 === 0 ? disagree(i, 'html') : agree(i, 'html')) : agree(i, 'plain'),
    );
    const r = await agreementGate({
      pairs: s.pairs,
      spec: { ...spec, agreementThreshold: 0.8, sprt: { ...spec.sprt, indifference: 0.05 } },
      clock: fakeClock(),
    });
    expect(r.status).toBe('failed');
    expect(r.measured.worstSlice).toBe('html');
    expect(r.summary).toMatch(/^slice "html" agrees \d+(\.\d)?% over \d+ pairs/);
    const slices = r.evidence.slices as { slice: string; failed: boolean }[];
    expect(slices.map((v) => [v.slice, v.failed])).toEqual([
      ['html', true],
      ['plain', false],
    ]);
  });

  it('an early SPRT pass waits until every slice has minSliceSamples pairs; short at the cap is inconclusive, naming the slice', async () => {
    // "rare" is 1 pair in 10: 15 of its 20 pairs at the cap of 150
    const s = source((i) => agree(i, i % 10 === 0 ? 'rare' : 'common'));
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status, r.summary).toBe('inconclusive');
    expect(r.measured.compared).toBe(150);
    expect(r.summary).toContain('slice "rare" has 15 of the 20 pairs it needs (5 more)');
    // with room for it, it passes once rare has its 20 (pair 191)
    const roomy = source((i) => agree(i, i % 10 === 0 ? 'rare' : 'common'));
    const big = await agreementGate({
      pairs: roomy.pairs,
      spec: { ...spec, shadowTrafficSampleSize: 400 },
      clock: fakeClock(),
    });
    expect(big.status).toBe('passed');
    expect(big.measured.compared).toBe(191);
    const few = source((i) => agree(i, i % 2 === 0 ? 'a' : 'b'));
    expect((await agreementGate({ pairs: few.pairs, spec, clock: fakeClock() })).measured.compared).toBe(66);
  });

  it('a declared slice that has no pair yet blocks the pass; its share says how many pairs in all it needs', async () => {
    const s = source((i) => agree(i, 'common'));
    const declaredSlices = new Map([
      ['common', 960],
      ['ghost', 40],
    ]);
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock(), declaredSlices });
    expect(r.status).toBe('inconclusive');
    expect(r.summary).toContain(
      'slice "ghost" has 0 of the 20 pairs it needs (20 more; at its 4% share about 500 pairs in all)',
    );
    const slices = r.evidence.slices as { slice: string; status: string }[];
    expect(slices.find((v) => v.slice === 'ghost')?.status).toBe('short');
  });

  it('exemptSlices lets the spec pass a slice with fewer pairs', async () => {
    const s = source((i) => agree(i, i % 10 === 0 ? 'rare' : 'common'));
    const r = await agreementGate({
      pairs: s.pairs,
      spec: { ...spec, exemptSlices: ['rare'] },
      clock: fakeClock(),
    });
    expect(r.status).toBe('passed');
    expect(r.measured.compared).toBe(66);
    expect(
      (r.evidence.slices as { slice: string; status: string }[]).find((v) => v.slice === 'rare')?.status,
    ).toBe('exempt');
  });

  it('a 4% slice whose labels are flipped fails the gate as soon as its second pair arrives, though overall agreement is 96%', async () => {
    const s = source((i) => (i % 25 === 0 ? disagree(i, 'rare') : agree(i, 'common')));
    const r = await agreementGate({
      pairs: s.pairs,
      spec: { ...spec, shadowTrafficSampleSize: 1000 },
      clock: fakeClock(),
    });
    expect(r.status).toBe('failed');
    expect(r.measured.compared).toBe(26);
    expect(r.summary).toMatch(
      /^slice "rare" agrees 0% over 2 pairs \(BH-adjusted anytime p 0\.01\d+ < 0\.05\)/,
    );
    const rare = (r.evidence.slices as Record<string, unknown>[]).find((v) => v.slice === 'rare');
    expect(rare).toMatchObject({ n: 2, agreed: 0, status: 'failed', failed: true });
  });

  it('stops at the deadline with an inconclusive result', async () => {
    const clock = fakeClock();
    async function* slow() {
      for (let i = 0; i < 1000; i++) {
        clock.advance(10_000);
        yield agree(i);
      }
    }
    const r = await agreementGate({ pairs: slow(), spec: { ...spec, timeoutSeconds: 100 }, clock });
    expect(r.status).toBe('inconclusive');
    expect(r.evidence.stoppedBy).toBe('timeout');
  });

  it('no pairs at all is inconclusive; a baseline that never answers is an error', async () => {
    async function* none() {}
    expect((await agreementGate({ pairs: none(), spec, clock: fakeClock() })).status).toBe('inconclusive');
    const dead = source((i) => pair(i, { status: 0, error: 'ECONNREFUSED' }, answer('spam', 0.9)));
    expect((await agreementGate({ pairs: dead.pairs, spec, clock: fakeClock() })).status).toBe('error');
  });

  it('reports progress after every compared pair', async () => {
    const seen: number[] = [];
    const s = source((i) => agree(i));
    await agreementGate({ pairs: s.pairs, spec, clock: fakeClock(), onPair: (p) => seen.push(p.compared) });
    expect(seen).toEqual(Array.from({ length: 66 }, (_, i) => i + 1));
  });

  it('simulated candidates through the gate: 93% true agreement rarely passes, 99% nearly always', async () => {
    const run = async (p: number, seed: number, runs: number) => {
      const rnd = createRandom(seed);
      let passed = 0;
      for (let k = 0; k < runs; k++) {
        const s = source((i) => (rnd.next() < p ? agree(i) : disagree(i)));
        if ((await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() })).status === 'passed') passed++;
      }
      return passed / runs;
    };
    expect(await run(0.93, 21, 300)).toBeLessThanOrEqual(0.06);
    expect(await run(0.99, 22, 300)).toBeGreaterThanOrEqual(0.93);
  });

  it('slice rule operating characteristics through the gate (300 seeded runs each): a 10% slice agreeing exactly at the threshold is failed in <= 5%; one agreeing 50% in >= 99%', async () => {
    const run = async (q: number, seed: number) => {
      const rnd = createRandom(seed);
      let sliceFailed = 0;
      let failed = 0;
      for (let k = 0; k < 300; k++) {
        const s = source((i) => {
          if (i % 10 === 0) return rnd.next() < q ? agree(i, 'rare') : disagree(i, 'rare');
          return rnd.next() < 0.995 ? agree(i, 'common') : disagree(i, 'common');
        });
        const r = await agreementGate({
          pairs: s.pairs,
          spec: { ...spec, shadowTrafficSampleSize: 400 },
          clock: fakeClock(),
        });
        if (r.status === 'failed' && r.summary.startsWith('slice "rare"')) sliceFailed++;
        if (r.status === 'failed') failed++;
      }
      return { sliceFailed: sliceFailed / 300, failed: failed / 300 };
    };
    expect((await run(0.95, 31)).sliceFailed).toBeLessThanOrEqual(0.05);
    // the bad slice also drags the overall rate to 94.6%, so either rule may be the one that fails it
    expect((await run(0.5, 32)).failed).toBeGreaterThanOrEqual(0.99);
  });
});
