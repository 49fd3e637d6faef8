import { describe, expect, it } from 'vitest';
import { wasserstein1Sorted, wassersteinScoresSorted } from './wasserstein.js';

describe('Wasserstein-1', () => {
  it('scipy.stats.wasserstein_distance documentation example: [0,1,3] vs [5,6,8] = 5', () => {
    expect(wasserstein1Sorted([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12);
  });

  it('hand-computed with unequal sizes: [0, .25, .5, 1] vs [.5] = .0625 + .125 + .125', () => {
    expect(wasserstein1Sorted([0, 0.25, 0.5, 1], [0.5])).toBeCloseTo(0.3125, 12);
  });

  it('identical → 0; with ties', () => {
    expect(wasserstein1Sorted([0.2, 0.2, 0.7], [0.2, 0.2, 0.7])).toBe(0);
    expect(wasserstein1Sorted([0.2, 0.2], [0.2, 0.4])).toBeCloseTo(0.1, 12);
  });

  it('normalised on [0, 1]: a shift of every score by s gives s; disjoint extremes give 1', () => {
    expect(wassersteinScoresSorted([0.1, 0.3, 0.5], [0.2, 0.4, 0.6])).toBeCloseTo(0.1, 12);
    expect(wassersteinScoresSorted([0, 0], [1, 1])).toBe(1);
  });

  it('empty → NaN', () => {
    expect(wasserstein1Sorted([], [1])).toBeNaN();
  });
});
