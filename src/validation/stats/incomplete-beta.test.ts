import { describe, expect, it } from 'vitest';
import { binomialCdf } from './binomial.js';
import { lnRegularizedBeta } from './incomplete-beta.js';

const I = (x: number, a: number, b: number) => Math.exp(lnRegularizedBeta(x, a, b));

describe('regularized incomplete beta', () => {
  it('closed forms: I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b', () => {
    for (const x of [0.01, 0.3, 0.5, 0.95]) {
      expect(I(x, 1, 1)).toBeCloseTo(x, 12);
      expect(I(x, 4, 1)).toBeCloseTo(x ** 4, 12);
      expect(I(x, 1, 7)).toBeCloseTo(1 - (1 - x) ** 7, 12);
    }
  });

  it('equals the binomial upper tail: I_p(k, n−k+1) = P(X >= k), on both sides of the switch point', () => {
    for (const [n, k, p] of [
      [20, 19, 0.95],
      [100, 90, 0.95],
      [300, 290, 0.97],
      [50, 3, 0.1],
    ]) {
      expect(I(p, k, n - k + 1)).toBeCloseTo(1 - binomialCdf(k - 1, n, p), 10);
    }
  });

  it('is 0 at x = 0 and 1 at x = 1', () => {
    expect(I(0, 2, 3)).toBe(0);
    expect(I(1, 2, 3)).toBe(1);
  });
});
