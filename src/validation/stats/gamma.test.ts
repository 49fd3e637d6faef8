import { describe, expect, it } from 'vitest';
import { lnGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';
import { erfc } from './normal.js';

describe('gamma functions', () => {
  it('lnGamma matches closed forms', () => {
    expect(Math.exp(lnGamma(0.5))).toBeCloseTo(Math.sqrt(Math.PI), 12); // Γ(½) = √π
    expect(Math.exp(lnGamma(5))).toBeCloseTo(24, 10); // Γ(5) = 4!
    expect(lnGamma(1)).toBeCloseTo(0, 13);
    // Γ(10.5) = (19!!/2^10)·√π = 1133278.38894878...
    expect(Math.exp(lnGamma(10.5)) / 1133278.388948786).toBeCloseTo(1, 12);
    expect(lnGamma(171)).toBeCloseTo(706.573062245787, 8); // ln(170!) = ln(7.257415615307994e306)
  });

  it('P(1, x) = 1 − e^−x and Q(½, x) = erfc(√x) (closed forms)', () => {
    for (const x of [0.01, 0.5, 1, 2, 5, 30]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 13);
      expect(regularizedGammaQ(0.5, x)).toBeCloseTo(erfc(Math.sqrt(x)), 13);
    }
  });

  it('P + Q = 1 on both sides of the series/fraction switch, and the ends', () => {
    for (const [a, x] of [
      [3, 2],
      [3, 5],
      [50, 49],
      [50, 52],
    ]) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 13);
    }
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(-1, 1)).toBeNaN();
  });
});
