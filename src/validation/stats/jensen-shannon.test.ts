import { describe, expect, it } from 'vitest';
import { jensenShannon, jensenShannonFromCounts } from './jensen-shannon.js';

describe('Jensen–Shannon distance (base 2)', () => {
  it('hand-computed: P = (1, 0), Q = (½, ½)', () => {
    // M = (¾, ¼); KL(P‖M) = log2(4/3); KL(Q‖M) = ½log2(2/3) + ½log2(2); JSD = ½(sum) = 0.3112781;
    // distance = √JSD = 0.5579230 (scipy.spatial.distance.jensenshannon([1,0],[.5,.5], base=2) agrees)
    const jsd = 0.5 * (Math.log2(4 / 3) + 0.5 * Math.log2(2 / 3) + 0.5);
    expect(jensenShannonFromCounts([1, 0], [1, 1])).toBeCloseTo(Math.sqrt(jsd), 12);
    expect(Math.sqrt(jsd)).toBeCloseTo(0.557923, 6);
  });

  it('identical → 0, disjoint → 1, symmetric', () => {
    expect(jensenShannonFromCounts([3, 0, 7], [30, 0, 70])).toBe(0);
    expect(jensenShannonFromCounts([1, 0], [0, 1])).toBe(1);
    expect(jensenShannonFromCounts([1, 2, 3], [3, 2, 1])).toBeCloseTo(
      jensenShannonFromCounts([3, 2, 1], [1, 2, 3]),
      14,
    );
  });

  it('bins scores', () => {
    expect(jensenShannon([0.05, 0.06], [0.95, 0.96], 10)).toBe(1);
  });
});
