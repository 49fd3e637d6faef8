import { describe, expect, it } from 'vitest';
import { binomialCdf } from '../src/validation/stats/binomial.js';
import { fixedSampleSize } from './validation.js';

describe('fixed-n comparison test', () => {
  it('returns the smallest n meeting both error rates (checked against n − 1 by brute force)', () => {
    const { n, c } = fixedSampleSize(0.93, 0.97, 0.05, 0.2);
    const passP = (k: number, m: number, p: number) => 1 - binomialCdf(k - 1, m, p);
    expect(passP(c, n, 0.93)).toBeLessThanOrEqual(0.05);
    expect(passP(c, n, 0.97)).toBeGreaterThanOrEqual(0.8);
    // no critical value works at n − 1
    for (let k = 0; k <= n - 1; k++)
      expect(passP(k, n - 1, 0.93) <= 0.05 && passP(k, n - 1, 0.97) >= 0.8).toBe(false);
  });
});
