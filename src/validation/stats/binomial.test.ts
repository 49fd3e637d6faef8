import { describe, expect, it } from 'vitest';
import { binomialCdf, lnChoose } from './binomial.js';

describe('binomial', () => {
  it('matches hand sums', () => {
    expect(binomialCdf(2, 5, 0.5)).toBeCloseTo(16 / 32, 12); // (1 + 5 + 10)/32
    expect(binomialCdf(0, 10, 0.95)).toBeCloseTo(0.05 ** 10, 24);
    expect(binomialCdf(9, 10, 0.95)).toBeCloseTo(1 - 0.95 ** 10, 12);
    expect(Math.exp(lnChoose(10, 3))).toBeCloseTo(120, 9);
  });

  it('ends', () => {
    expect(binomialCdf(-1, 5, 0.5)).toBe(0);
    expect(binomialCdf(5, 5, 0.5)).toBe(1);
    expect(binomialCdf(3, 5, 1)).toBe(0);
  });
});
