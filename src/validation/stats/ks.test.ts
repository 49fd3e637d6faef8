import { describe, expect, it } from 'vitest';
import { ksAsymptoticPValue, ksExactPValue, ksStatisticSorted, ksTestSorted } from './ks.js';

/** C(n, k) as a float, for the hand formulas below. */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Independent reference for n = m: Gnedenko–Korolyuk (1951),
 * P(D_nn >= k/n) = 2 Σ_{j>=1} (−1)^{j−1} C(2n, n − jk) / C(2n, n).
 */
function gnedenko(n: number, k: number): number {
  let s = 0;
  for (let j = 1; n - j * k >= 0; j++) s += (j % 2 === 1 ? 1 : -1) * choose(2 * n, n - j * k);
  return (2 * s) / choose(2 * n, n);
}

describe('two-sample Kolmogorov–Smirnov', () => {
  it('disjoint tiny samples: exact p = 2 / C(n+m, n) (only the two extreme orderings reach D = 1)', () => {
    // scipy.stats.ks_2samp([1,2,3],[4,5,6]) reports D = 1, p = 0.1 (= 2/20)
    expect(ksTestSorted([1, 2, 3], [4, 5, 6])).toEqual({
      statistic: 1,
      pValue: expect.closeTo(0.1, 12),
      method: 'exact',
    });
    expect(ksTestSorted([1, 2, 3, 4], [5, 6, 7, 8]).pValue).toBeCloseTo(2 / 70, 12);
  });

  it('identical samples: D = 0, p = 1', () => {
    expect(ksTestSorted([0.1, 0.2, 0.3], [0.1, 0.2, 0.3])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('ties step both CDFs together', () => {
    // F_a(1) = 2/3, F_b(1) = 1/3; both reach 1 at 2 → D = 1/3
    expect(ksStatisticSorted([1, 1, 2], [1, 2, 2])).toBeCloseTo(1 / 3, 12);
  });

  it.each([
    [10, 5],
    [10, 3],
    [20, 7],
    [50, 12],
  ])('exact p for n = m = %i, D = %i/n matches Gnedenko–Korolyuk', (n, k) => {
    expect(ksExactPValue(k / n, n, n)).toBeCloseTo(gnedenko(n, k), 10);
  });

  it('n = m = 10, D = 0.5: p = 31006/184756 = 0.16782 (hand-evaluated Gnedenko sum)', () => {
    expect(ksExactPValue(0.5, 10, 10)).toBeCloseTo(31006 / 184756, 12);
  });

  it('unequal tiny samples: n = 1, m = 2, x below both: D = 1, p = 2/3 by enumeration of the 3 orderings', () => {
    // orderings xyy (D=1), yxy (D=1/2), yyx (D=1) → P(D >= 1) = 2/3
    expect(ksTestSorted([0], [1, 2]).pValue).toBeCloseTo(2 / 3, 12);
  });

  it('asymptotic p at the textbook critical value c(α)·√((n+m)/(nm)) is close to α for large samples', () => {
    // Critical value D_α = 1.358·√(2/1000) for n = m = 1000 at α = 0.05 (Smirnov); Stephens'
    // correction makes the p a little smaller than α.
    const d = 1.3581 * Math.sqrt(2 / 1000);
    const p = ksAsymptoticPValue(d, 1000, 1000);
    expect(p).toBeGreaterThan(0.045);
    expect(p).toBeLessThan(0.05);
  });

  it('exact and asymptotic agree at moderate n', () => {
    const exact = ksExactPValue(0.1, 500, 500);
    expect(Math.abs(exact - ksAsymptoticPValue(0.1, 500, 500))).toBeLessThan(0.01);
  });

  it('uses the asymptotic form beyond the exact limit', () => {
    const a = Float64Array.from({ length: 2000 }, (_, i) => i / 2000);
    const b = Float64Array.from({ length: 2000 }, (_, i) => i / 2000 + 0.05);
    const r = ksTestSorted(a, b);
    expect(r.method).toBe('asymptotic');
    expect(r.statistic).toBeCloseTo(0.05, 2);
    expect(r.pValue).toBeLessThan(0.05);
  });

  it('empty input gives NaN rather than throwing', () => {
    expect(ksTestSorted([], [1]).pValue).toBeNaN();
  });
});
