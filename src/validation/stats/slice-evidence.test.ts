import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { anytimePValue, lnSliceEValue } from './slice-evidence.js';

/** Run a slice at true agreement q for up to `n` pairs; the pair count at which E first reaches 1/α, or null. */
function crossing(q: number, n: number, alpha: number, random: { next(): number }): number | null {
  let agreed = 0;
  for (let i = 1; i <= n; i++) {
    if (random.next() < q) agreed++;
    if (lnSliceEValue(agreed, i, 0.95) >= Math.log(1 / alpha)) return i;
  }
  return null;
}

describe('slice e-value (anytime-valid evidence that a slice agrees below the threshold)', () => {
  it('closed form with no agreement: E = (1 − (1−t)^(k+1)) / ((k+1) t (1−t)^k)', () => {
    for (const k of [1, 2, 5]) {
      const t = 0.95;
      const closed = (1 - (1 - t) ** (k + 1)) / ((k + 1) * t * (1 - t) ** k);
      expect(Math.exp(lnSliceEValue(0, k, t))).toBeCloseTo(closed, 6);
    }
    expect(lnSliceEValue(0, 0, 0.95)).toBe(0);
    expect(anytimePValue(Math.log(40))).toBeCloseTo(0.025, 12);
    expect(anytimePValue(-1)).toBe(1);
  });

  it('a slice agreeing exactly at the threshold is falsely failed in at most α of runs, checked after every one of 500 pairs (2,000 seeded runs)', () => {
    const random = createRandom(11);
    let crossed = 0;
    for (let r = 0; r < 2000; r++) if (crossing(0.95, 500, 0.05, random) !== null) crossed++;
    expect(crossed / 2000).toBeLessThanOrEqual(0.05);
    // and one at 0.99 almost never
    let good = 0;
    for (let r = 0; r < 1000; r++) if (crossing(0.99, 500, 0.05, random) !== null) good++;
    expect(good / 1000).toBeLessThanOrEqual(0.005);
  });

  it('a slice whose labels are flipped fails within 2 pairs; one at 70% agreement within a few dozen', () => {
    const random = createRandom(12);
    expect(crossing(0, 100, 0.05, random)).toBe(2);
    const at70: number[] = [];
    for (let r = 0; r < 500; r++) at70.push(crossing(0.7, 200, 0.05, random) ?? 201);
    at70.sort((a, b) => a - b);
    expect(at70[Math.floor(at70.length * 0.95)]).toBeLessThan(50);
  });
});
