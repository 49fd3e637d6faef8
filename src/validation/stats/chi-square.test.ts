import { describe, expect, it } from 'vitest';
import { chiSquareHomogeneity, chiSquareSurvival } from './chi-square.js';

describe('chi-square', () => {
  // Upper critical values from standard χ² tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
  it.each([
    [3.841, 1, 0.05],
    [6.635, 1, 0.01],
    [5.991, 2, 0.05],
    [7.815, 3, 0.05],
    [18.307, 10, 0.05],
    [124.342, 100, 0.05],
  ])('survival(%f, df=%i) ≈ %f', (x, df, p) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 4);
  });

  it('df = 2 has the closed form e^{−x/2}', () => {
    for (const x of [0.1, 1, 4, 20]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 13);
  });

  it('2×2 homogeneity by hand: [10, 20] vs [20, 10] → χ² = 4·25/15, df 1, p = erfc(√(χ²/2))', () => {
    const r = chiSquareHomogeneity([10, 20], [20, 10]);
    expect(r.statistic).toBeCloseTo(100 / 15, 12);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(0.0098232745, 8);
  });

  it('identical label frequencies → χ² = 0, p = 1', () => {
    expect(chiSquareHomogeneity([30, 70], [30, 70])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('all one label on both sides → nothing to test: χ² = 0, df 0, p = 1', () => {
    expect(chiSquareHomogeneity([50, 0], [40, 0])).toEqual({ statistic: 0, df: 0, pValue: 1 });
  });

  it('disjoint labels → χ² = n, tiny p', () => {
    const r = chiSquareHomogeneity([10, 0], [0, 10]);
    expect(r.statistic).toBeCloseTo(20, 12);
    expect(r.pValue).toBeLessThan(1e-4);
  });

  it('three categories with one empty column drop to df 1', () => {
    expect(chiSquareHomogeneity([10, 0, 20], [20, 0, 10]).df).toBe(1);
  });
});
