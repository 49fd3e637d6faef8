import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { defaultValidationSpec } from '../defaults.js';
import { fakeClock } from '../fake-server.js';
import type { ComparisonPair } from '../types.js';
import { agreementGate, judgeSlices } from './agreement.js';
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
    expect(r.summary).toContain('slice "html" agrees 50%');
    const slices = r.evidence.slices as { slice: string; failed: boolean }[];
    expect(slices.map((v) => [v.slice, v.failed])).toEqual([
      ['html', true],
      ['plain', false],
    ]);
  });

  it('an early SPRT pass waits until every slice has minSliceSamples pairs', async () => {
    // "rare" is 1 pair in 10: it reaches 20 pairs only around pair 200 > cap; the pass waits for the cap
    const s = source((i) => agree(i, i % 10 === 0 ? 'rare' : 'common'));
    const r = await agreementGate({ pairs: s.pairs, spec, clock: fakeClock() });
    expect(r.status).toBe('passed');
    expect(r.measured.compared).toBe(150);
    const few = source((i) => agree(i, i % 2 === 0 ? 'a' : 'b'));
    expect((await agreementGate({ pairs: few.pairs, spec, clock: fakeClock() })).measured.compared).toBe(66);
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
});

describe('judgeSlices', () => {
  it('uses the exact binomial tail and BH across slices; small slices are reported, not judged', () => {
    const v = judgeSlices(
      new Map([
        ['a', { n: 20, agreed: 20 }],
        ['b', { n: 20, agreed: 15 }],
        ['c', { n: 5, agreed: 0 }],
      ]),
      0.95,
      20,
      0.05,
    );
    const b = v.find((s) => s.slice === 'b');
    // P(X <= 15 | 20, .95) = 1 − P(X >= 16); pmf by hand: k=20 .358486, 19 .377354, 18 .188677,
    // 17 .059582, 16 .013328 → sum .997427 → p = .002573
    expect(b?.pValue).toBeCloseTo(0.002573, 5);
    expect(b?.adjustedP).toBeCloseTo(0.005147, 5); // × m/k = 2/1
    expect(b?.failed).toBe(true);
    expect(v.find((s) => s.slice === 'c')).toMatchObject({ pValue: null, failed: false });
    expect(v[0].slice).toBe('c'); // worst first
  });
});
