import { describe, expect, it } from 'vitest';
import type { Email } from './corpus.js';
import { evaluate, toPredictions } from './evaluation.js';

const email = (label: 'ham' | 'spam', slice: 'html' | 'plain'): Email => ({
  id: 'x',
  group: 'g',
  checksum: 'c',
  label,
  slice,
  text: '',
});

describe('evaluate', () => {
  const heldOut = [
    email('spam', 'html'),
    email('ham', 'html'),
    email('spam', 'plain'),
    email('ham', 'plain'),
  ];
  const v1 = toPredictions([0.9, 0.2, 0.8, 0.1]);

  it('labels spam above 0.5', () => {
    expect(toPredictions([0.5, 0.51]).labels).toEqual(['ham', 'spam']);
  });

  it('reports metrics overall and per slice, agreement with v1 and mean confidence', () => {
    const candidate = toPredictions([0.4, 0.3, 0.7, 0.1]); // misses the html spam
    const e = evaluate(heldOut, candidate, v1);
    expect(e.metrics.overall).toEqual({ examples: 4, accuracy: 0.75, precision: 1, recall: 0.5 });
    expect(e.metrics.slices.html).toEqual({ examples: 2, accuracy: 0.5, precision: 0, recall: 0 });
    expect(e.metrics.slices.plain.accuracy).toBe(1);
    expect(e.agreement_with_v1).toEqual({ overall: 0.75, slices: { html: 0.5, plain: 1 } });
    expect(e.metrics.mean_confidence).toBeCloseTo((0.6 + 0.7 + 0.7 + 0.9) / 4, 10);
    expect(evaluate(heldOut, v1, v1).agreement_with_v1.overall).toBe(1);
  });
});
