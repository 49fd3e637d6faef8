import { describe, expect, it } from 'vitest';
import { predictionsAgree, readPrediction, scoreMapper } from './prediction.js';

describe('predictions', () => {
  it('reads {label, score} from 2xx answers only', () => {
    expect(
      readPrediction({ status: 200, body: { label: 'spam', score: 0.9, model_version: 'v1' }, latencyMs: 1 }),
    ).toEqual({ label: 'spam', score: 0.9 });
    expect(
      readPrediction({ status: 500, body: { label: 'spam', score: 0.9 }, latencyMs: 1 }),
    ).toBeUndefined();
    expect(
      readPrediction({ status: 200, body: { label: 'spam', score: '0.9' }, latencyMs: 1 }),
    ).toBeUndefined();
    expect(readPrediction({ status: 200, body: 'oops', latencyMs: 1 })).toBeUndefined();
  });

  it('same label agrees; different labels agree only when both are borderline (P(class) within tolerance)', () => {
    expect(predictionsAgree({ label: 'spam', score: 0.99 }, { label: 'spam', score: 0.51 }, 0.05)).toBe(true);
    // P(spam) 0.52 vs 0.49 → 0.03 apart
    expect(predictionsAgree({ label: 'spam', score: 0.52 }, { label: 'ham', score: 0.51 }, 0.05)).toBe(true);
    // exactly at the tolerance: 0.525 vs 0.475
    expect(predictionsAgree({ label: 'spam', score: 0.525 }, { label: 'ham', score: 0.525 }, 0.05)).toBe(
      true,
    );
    // the seed's rule would call these agreement (|0.97 − 0.95| < 0.05); they are opposite, confident answers
    expect(predictionsAgree({ label: 'spam', score: 0.97 }, { label: 'ham', score: 0.95 }, 0.05)).toBe(false);
  });

  it('maps to P(positive label) with two labels, the later in sort order', () => {
    const m = scoreMapper(['spam', 'ham', 'spam']);
    expect(m.positive).toBe('spam');
    expect(m.map({ label: 'spam', score: 0.8 })).toBe(0.8);
    expect(m.map({ label: 'ham', score: 0.8 })).toBeCloseTo(0.2, 12);
    expect(scoreMapper(['ham']).map({ label: 'ham', score: 0.7 })).toBe(0.7);
    expect(scoreMapper(['a', 'b', 'c']).positive).toBeUndefined();
  });
});
