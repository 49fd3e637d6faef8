import { describe, expect, it } from 'vitest';
import type { Label } from './corpus.js';
import { agreement, classMetrics, pick, sliceIndices } from './metrics.js';

describe('classMetrics', () => {
  it('computes accuracy, precision and recall with spam as positive', () => {
    const expected: Label[] = ['spam', 'spam', 'spam', 'ham', 'ham'];
    const predicted: Label[] = ['spam', 'spam', 'ham', 'spam', 'ham'];
    expect(classMetrics(expected, predicted)).toEqual({
      examples: 5,
      accuracy: 3 / 5,
      precision: 2 / 3,
      recall: 2 / 3,
    });
  });

  it('reports 0 rather than NaN when a ratio is undefined', () => {
    expect(classMetrics(['ham'], ['ham'])).toEqual({ examples: 1, accuracy: 1, precision: 0, recall: 0 });
    expect(classMetrics([], [])).toEqual({ examples: 0, accuracy: 0, precision: 0, recall: 0 });
  });
});

describe('agreement and slices', () => {
  it('counts matching labels', () => {
    expect(agreement(['ham', 'spam', 'spam', 'ham'], ['ham', 'ham', 'spam', 'ham'])).toBe(0.75);
  });

  it('groups indices by slice', () => {
    const by = sliceIndices(['html', 'plain', 'html']);
    expect(by).toEqual({ html: [0, 2], plain: [1] });
    expect(pick(['a', 'b', 'c'], by.html)).toEqual(['a', 'c']);
  });
});
