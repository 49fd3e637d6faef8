import { describe, expect, it } from 'vitest';
import { PSI_EPSILON, psi, psiFromCounts } from './psi.js';

describe('PSI', () => {
  it('hand-computed: uniform 4 bins vs [.1,.2,.3,.4]', () => {
    const expected =
      -0.15 * Math.log(0.4) - 0.05 * Math.log(0.8) + 0.05 * Math.log(1.2) + 0.15 * Math.log(1.6);
    expect(psiFromCounts([25, 25, 25, 25], [10, 20, 30, 40])).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.228218, 5);
  });

  it('identical distributions (with empty bins) give 0', () => {
    expect(psiFromCounts([5, 5, 0, 0], [50, 50, 0, 0])).toBe(0);
  });

  it('disjoint distributions are finite thanks to epsilon: 2(1 − ε)·ln(1/ε)', () => {
    expect(psiFromCounts([10, 0], [0, 10])).toBeCloseTo(
      2 * (1 - PSI_EPSILON) * Math.log(1 / PSI_EPSILON),
      10,
    );
  });

  it('bins raw scores on [0, 1], clamping the ends', () => {
    // 10 bins: 0.05 → bin 0, 1.0 → bin 9, -0.1 → bin 0
    expect(psi([0.05, 1.0, -0.1, 0.95], [0.01, 0.99, 0.02, 0.97], 10)).toBe(0);
    expect(psi([0.1, 0.2], [0.8, 0.9], 10)).toBeGreaterThan(0.25);
  });
});
