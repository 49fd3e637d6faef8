import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, normalQuantile } from './normal.js';

// Reference values: Abramowitz & Stegun Table 26.1 / 7.1 (to the digits printed there); the quantiles
// are the standard table values z_0.975 = 1.959963985, z_0.95 = 1.644853627, z_0.8 = 0.841621234.
describe('normal distribution', () => {
  it('erfc matches A&S table 7.1 values', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(0.5)).toBeCloseTo(0.479500122186953, 14);
    expect(erfc(1)).toBeCloseTo(0.157299207050285, 14);
    expect(erfc(3)).toBeCloseTo(2.20904969985854e-5, 17);
    expect(erfc(-1)).toBeCloseTo(2 - 0.157299207050285, 14);
  });

  it('CDF and quantile are inverse and match the tables', () => {
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 9);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 8);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621234, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 8);
    for (const p of [1e-10, 0.01, 0.3, 0.7, 0.999999])
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });

  it('handles the ends of (0, 1)', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
