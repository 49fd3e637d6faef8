import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { runAgreementTest } from './agreement-test.js';
import { binomialCdf } from './binomial.js';
import { fixedSampleSize, fixedSampleTest, operatingPoint, sampleSizePlan } from './sample-size.js';

const DEFAULTS = { threshold: 0.95, indifference: 0.02, alpha: 0.05, beta: 0.2, cap: 150 };

describe('agreement sample sizes', () => {
  it('fixed-n exact binomial test at the defaults needs 185 pairs (docs/validation.md)', () => {
    expect(fixedSampleSize(DEFAULTS)).toBe(185);
    // tighter errors need more
    expect(fixedSampleSize({ ...DEFAULTS, beta: 0.05 })).toBeGreaterThan(185);
  });

  it('the fixed-n test is the smallest n meeting both error rates (checked against n − 1 by brute force)', () => {
    const { n, c } = fixedSampleTest(DEFAULTS);
    const passP = (k: number, m: number, p: number) => 1 - binomialCdf(k - 1, m, p);
    expect(passP(c, n, 0.93)).toBeLessThanOrEqual(0.05);
    expect(passP(c, n, 0.97)).toBeGreaterThanOrEqual(0.8);
    // no critical value works at n − 1
    for (let k = 0; k <= n - 1; k++)
      expect(passP(k, n - 1, 0.93) <= 0.05 && passP(k, n - 1, 0.97) >= 0.8).toBe(false);
  });

  it('the exact operating point equals a seeded simulation of the gate’s own test (4,000 runs, within 2.5 points)', () => {
    for (const [q, seed] of [
      [0.93, 1],
      [0.97, 2],
      [0.99, 3],
    ]) {
      const random = createRandom(seed);
      let passed = 0;
      let failed = 0;
      let pairs = 0;
      for (let i = 0; i < 4000; i++) {
        const r = runAgreementTest(DEFAULTS, () => random.next() < q);
        if (r.decision === 'passed') passed++;
        else if (r.decision === 'failed') failed++;
        pairs += r.n;
      }
      const exact = operatingPoint(DEFAULTS, q);
      expect(Math.abs(exact.passed - passed / 4000)).toBeLessThan(0.025);
      expect(Math.abs(exact.failed - failed / 4000)).toBeLessThan(0.025);
      expect(Math.abs(exact.meanPairs - pairs / 4000)).toBeLessThan(4);
      expect(exact.passed + exact.failed + exact.inconclusive).toBeCloseTo(1, 9);
    }
  });

  it('uncapped, Wald’s guarantees hold: a candidate at t − δ passes <= α/(1−β), one at t + δ fails <= β/(1−α)', () => {
    const inf = { ...DEFAULTS, cap: Number.POSITIVE_INFINITY };
    expect(operatingPoint(inf, 0.93).passed).toBeLessThanOrEqual(0.05 / 0.8);
    expect(operatingPoint(inf, 0.97).failed).toBeLessThanOrEqual(0.2 / 0.95);
  });

  it('the seed’s cap of 150 is flagged with the cap to use; that cap is not flagged', () => {
    const plan = sampleSizePlan(DEFAULTS);
    expect(plan.recommendedCap).toBeGreaterThan(150);
    expect(plan.warning).toContain(`use shadowTrafficSampleSize: ${plan.recommendedCap}`);
    expect(plan.points.map((p) => p.atCap.trueAgreement)).toEqual([0.91, 0.93, 0.95, 0.97, 0.99]);
    const fixed = sampleSizePlan({ ...DEFAULTS, cap: plan.recommendedCap });
    expect(fixed.warning).toBeUndefined();
    // at the recommended cap a candidate at t + δ is decided far more often than at 150
    const at = (p: typeof plan) => p.points[3].atCap.inconclusive;
    expect(at(fixed)).toBeLessThan(at(plan) / 2);
  });
});
