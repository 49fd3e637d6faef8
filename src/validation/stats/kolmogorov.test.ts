import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival } from './kolmogorov.js';

// Critical values of the Kolmogorov distribution, P(K > k_α) = α (e.g. Smirnov 1948 table;
// Marsaglia, Tsang & Wang 2003): k_0.10 = 1.2238, k_0.05 = 1.3581, k_0.01 = 1.6276, k_0.001 = 1.9495.
// And P(K <= 1) = 0.7300003 (Marsaglia et al. 2003, their example), P(K <= 0.5) = 0.036055.
describe('kolmogorovSurvival', () => {
  it.each([
    [1.2238, 0.1],
    [1.3581, 0.05],
    [1.6276, 0.01],
    [1.9495, 0.001],
  ])('Q(%f) ≈ %f', (k, alpha) => {
    expect(kolmogorovSurvival(k)).toBeCloseTo(alpha, 4);
  });

  it('matches published CDF values on both sides of the series switch', () => {
    expect(1 - kolmogorovSurvival(1)).toBeCloseTo(0.7300003, 6);
    expect(1 - kolmogorovSurvival(0.5)).toBeCloseTo(0.036055, 5);
    // continuity across λ = 1.18 where the two series meet
    expect(kolmogorovSurvival(1.1799999)).toBeCloseTo(kolmogorovSurvival(1.1800001), 6);
  });

  it('is 1 at 0 and vanishes for large λ', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.1)).toBeCloseTo(1, 12);
    expect(kolmogorovSurvival(5)).toBeLessThan(1e-20);
  });
});
