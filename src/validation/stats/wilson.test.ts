import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';

// Newcombe R.G. (1998) "Two-sided confidence intervals for the single proportion: comparison of
// seven methods", Stat Med 17:857–872, Table II, method 3 (Wilson score, no continuity correction),
// 95% two-sided, printed to 4 decimals.
const NEWCOMBE: [number, number, number, number][] = [
  [81, 263, 0.2553, 0.3662],
  [15, 148, 0.0624, 0.1605],
  [0, 20, 0, 0.1611],
  [1, 29, 0.0061, 0.1718],
];

describe('wilsonInterval', () => {
  it.each(NEWCOMBE)('%i/%i matches Newcombe 1998', (k, n, lo, hi) => {
    const { lower, upper } = wilsonInterval(k, n);
    expect(lower).toBeCloseTo(lo, 4);
    expect(upper).toBeCloseTo(hi, 4);
  });

  it('all successes: lower bound is n/(n + z²) (closed form), upper is 1', () => {
    const z = 1.6448536269514737;
    const { lower, upper } = wilsonInterval(150, 150, z);
    expect(lower).toBeCloseTo(150 / (150 + z * z), 12);
    expect(upper).toBe(1);
  });

  it('tiny and empty samples stay inside [0, 1]', () => {
    expect(wilsonInterval(1, 1).lower).toBeGreaterThan(0);
    expect(wilsonInterval(1, 1).upper).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });

  it('narrows with n at a fixed proportion', () => {
    const a = wilsonInterval(19, 20);
    const b = wilsonInterval(190, 200);
    expect(b.upper - b.lower).toBeLessThan(a.upper - a.lower);
  });
});
