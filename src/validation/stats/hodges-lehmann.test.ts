import { describe, expect, it } from 'vitest';
import { createRandom } from '../../models/prng.js';
import { hodgesLehmann, signedRankCounts } from './hodges-lehmann.js';

describe('Hodges–Lehmann interval', () => {
  it('signed-rank counts by hand: n = 3 → sums 0..6 reached by 1,1,1,2,1,1,1 of the 8 sign patterns', () => {
    expect(signedRankCounts(3)).toEqual([1, 1, 1, 2, 1, 1, 1]);
    expect(signedRankCounts(10).reduce((a, b) => a + b, 0)).toBe(1024);
  });

  it('by hand, n = 8 at α 0.05: k = 4 (P(T+ <= 3) = 10/256 = 0.039), bounds the 4th smallest and largest of 36 Walsh averages', () => {
    const hl = hodgesLehmann([0.1, 0.2, -0.05, 0.03, 0.08, 0.15, 0, 0.12], 0.05);
    expect(hl.alpha).toBeCloseTo(10 / 256, 12);
    expect(hl.lower).toBeCloseTo(0.015, 12);
    expect(hl.upper).toBeCloseTo(0.14, 12);
    expect(hl.estimate).toBeCloseTo(0.0775, 12);
  });

  it('too few observations for α give infinite bounds (undecidable), not a made-up interval', () => {
    const hl = hodgesLehmann([1, 2, 3, 4], 0.05); // P(T+ = 0) = 1/16 > 0.05
    expect(hl.lower).toBe(-Infinity);
    expect(hl.upper).toBe(Infinity);
  });

  it('each bound misses the true centre in at most α of 4,000 seeded samples of 8 heavy-tailed (Laplace) values', () => {
    const random = createRandom(5);
    const laplace = () => {
      const u = random.next() - 0.5;
      return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    };
    let lowMiss = 0;
    let highMiss = 0;
    for (let r = 0; r < 4000; r++) {
      const hl = hodgesLehmann(Array.from({ length: 8 }, laplace), 0.05);
      if (hl.lower > 0) lowMiss++;
      if (hl.upper < 0) highMiss++;
    }
    expect(lowMiss / 4000).toBeLessThanOrEqual(0.05);
    expect(highMiss / 4000).toBeLessThanOrEqual(0.05);
  });
});
