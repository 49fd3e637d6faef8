import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { runAgreementTest } from './agreement-test.js';

const DEFAULTS = { threshold: 0.95, indifference: 0.02, alpha: 0.05, beta: 0.2, cap: 150 };

/** Run the gate's decision procedure `runs` times on Bernoulli(p) agreement; seeded, so repeatable. */
function simulate(p: number, runs: number, seed: number) {
  const random = createRandom(seed);
  let passed = 0;
  let failed = 0;
  let samples = 0;
  for (let i = 0; i < runs; i++) {
    const r = runAgreementTest(DEFAULTS, () => random.next() < p);
    if (r.decision === 'passed') passed++;
    else if (r.decision === 'failed') failed++;
    samples += r.n;
  }
  return { passRate: passed / runs, failRate: failed / runs, meanSamples: samples / runs };
}

describe('sequential agreement test (SPRT + Wilson at the cap)', () => {
  it('operating characteristics at the defaults (δ = 0.02, cap 150), 2,000 seeded runs each', () => {
    const bad = simulate(0.93, 2000, 1);
    expect(bad.passRate).toBeLessThanOrEqual(0.05);
    const good = simulate(0.99, 2000, 2);
    expect(good.passRate).toBeGreaterThanOrEqual(0.95);
    // and it stops early: a clearly good candidate needs far fewer than the cap
    expect(good.meanSamples).toBeLessThan(100);
    expect(simulate(0.9, 500, 3).failRate).toBeGreaterThanOrEqual(0.95);
  });

  it('reaching the cap undecided is inconclusive, never a pass', () => {
    // alternate 1 disagreement per 20: p̂ = .95, inside the indifference zone
    let i = 0;
    const r = runAgreementTest({ ...DEFAULTS, indifference: 0.001 }, () => i++ % 20 !== 19);
    expect(r.n).toBe(150);
    expect(r.decision).toBe('inconclusive');
    expect(r.wilson.lower).toBeLessThan(0.95);
  });

  it('at the cap the one-sided Wilson bound decides when the SPRT did not', () => {
    // δ = 0.001 makes each agreement worth ln(.951/.949) ≈ 0.002, so 150 of them stay below ln 16;
    // the one-sided Wilson lower bound of 150/150 is 150/(150 + 1.645²) = 0.982 >= 0.95.
    const r = runAgreementTest({ ...DEFAULTS, indifference: 0.001 }, () => true);
    expect(r.decidedBy).toBe('wilson');
    expect(r.decision).toBe('passed');
  });

  it('a source that runs dry before any decision is inconclusive', () => {
    let left = 10;
    const r = runAgreementTest(DEFAULTS, () => (left-- > 0 ? true : undefined));
    expect(r).toMatchObject({ decision: 'inconclusive', n: 10 });
  });

  it('all disagreeing fails fast', () => {
    const r = runAgreementTest(DEFAULTS, () => false);
    expect(r).toMatchObject({ decision: 'failed', decidedBy: 'sprt', n: 2 });
  });
});
