import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTPUT } from '../spec/server.js';
import type { OutputSpec } from '../spec/types.js';
import {
  comparePredictions,
  predictionsAgree,
  readPrediction,
  scoreMapper,
  totalVariation,
} from './prediction.js';

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

describe('comparisons by output kind', () => {
  const out = (kind: OutputSpec['kind'], extra: Partial<OutputSpec> = {}): OutputSpec => ({
    ...DEFAULT_OUTPUT,
    kind,
    ...extra,
  });
  const probs = (...p: number[]) => ({
    probabilities: p,
    classes: p.map((_, i) => `c${i}`),
    label: `c${p.indexOf(Math.max(...p))}`,
    score: Math.max(...p),
  });

  it('probabilities: top-1 agreement; else total-variation distance within the tolerance, reported', () => {
    const o = out('probabilities', { probabilityTolerance: 0.05 });
    expect(comparePredictions(probs(0.7, 0.2, 0.1), probs(0.5, 0.4, 0.1), 0, o)).toEqual({
      agree: true,
      distance: expect.closeTo(0.2, 12),
    });
    // argmax flipped on a near-tie: TV 0.04 ≤ 0.05
    expect(comparePredictions(probs(0.51, 0.49, 0), probs(0.47, 0.53, 0), 0, o)).toEqual({
      agree: true,
      distance: expect.closeTo(0.04, 12),
    });
    // argmax flipped for real: TV 0.4
    const far = comparePredictions(probs(0.7, 0.3, 0), probs(0.3, 0.7, 0), 0, o);
    expect(far.agree).toBe(false);
    expect(far.distance).toBeCloseTo(0.4, 12);
  });

  it('probabilities: classes are aligned by name, vectors of different sizes never agree', () => {
    const o = out('probabilities', { probabilityTolerance: 0.05 });
    const a = { probabilities: [0.52, 0.48], classes: ['ham', 'spam'], label: 'ham', score: 0.52 };
    const b = { probabilities: [0.5, 0.5], classes: ['spam', 'ham'], label: 'spam', score: 0.5 };
    expect(totalVariation(a, b)).toBeCloseTo(0.02, 12);
    expect(comparePredictions(a, b, 0, o).agree).toBe(true);
    expect(comparePredictions(probs(0.6, 0.4), probs(0.3, 0.3, 0.4), 0, o).agree).toBe(false);
  });

  it('regression: |a − b| ≤ absTolerance + relTolerance·|a|', () => {
    const o = out('regression', { absTolerance: 0.01, relTolerance: 0.1 });
    expect(comparePredictions({ value: 100 }, { value: 109.9 }, 0, o)).toEqual({
      agree: true,
      distance: expect.closeTo(9.9, 9),
    });
    expect(comparePredictions({ value: 100 }, { value: 110.2 }, 0, o).agree).toBe(false);
    // the allowance scales with the baseline's value, not the candidate's
    expect(comparePredictions({ value: 0 }, { value: 0.009 }, 0, o).agree).toBe(true);
    expect(comparePredictions({ value: 0 }, { value: 0.02 }, 0, o).agree).toBe(false);
    expect(comparePredictions({ value: 1 }, { label: 'x' }, 0, o).agree).toBe(false);
  });

  it('label: a server without scores agrees on the same label only', () => {
    expect(comparePredictions({ label: '1' }, { label: '1' }, 0.05).agree).toBe(true);
    expect(comparePredictions({ label: '1' }, { label: '0', score: 0.5 }, 0.05).agree).toBe(false);
  });

  // Seeded values across the range; the candidate sent each through float32 (Math.fround).
  const values = Array.from(
    { length: 2000 },
    (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453),
  );

  it('float noise (a float32 round trip) is never a disagreement: regression, even with zero tolerance', () => {
    const o = out('regression', { absTolerance: 0, relTolerance: 0 });
    for (const scale of [1e-3, 1, 1e6]) {
      for (const v of values) {
        const a = (v - 0.5) * scale;
        expect(comparePredictions({ value: a }, { value: Math.fround(a) }, 0, o).agree).toBe(true);
      }
    }
    // ...while a real difference of one part in a million still counts at zero tolerance
    expect(comparePredictions({ value: 1 }, { value: 1.000001 }, 0, o).agree).toBe(false);
  });

  it('float noise is never a disagreement: probabilities at a tie and at zero tolerance', () => {
    const o = out('probabilities', { probabilityTolerance: 0 });
    for (const x of values) {
      // near-ties, where float32 rounding can flip the argmax
      const v = 0.5 + (x - 0.5) * 1e-7;
      const b = probs(v, 1 - v);
      const c = probs(Math.fround(v), Math.fround(1 - v));
      expect(comparePredictions(b, c, 0, o).agree).toBe(true);
    }
    // the argmax flips (0.5 − 1e-9 < 0.5 + 1e-9, but both round to 0.5f, a tie won by the first)
    const flipped = probs(Math.fround(0.5 - 1e-9), Math.fround(0.5 + 1e-9));
    expect(flipped.label).toBe('c0');
    expect(comparePredictions(probs(0.5 - 1e-9, 0.5 + 1e-9), flipped, 0, o).agree).toBe(true);
    expect(comparePredictions(probs(0.5001, 0.4999), probs(0.4999, 0.5001), 0, o).agree).toBe(false);
  });

  it('float noise is never a disagreement: labels whose borderline scores sit exactly at the tolerance', () => {
    for (const v of values) {
      // s_b + s_c − 1 = tolerance exactly in float64; the candidate's score went through float32
      const tol = 0.05;
      const sb = 0.5 + v * tol;
      const sc = 1 + tol - sb;
      expect(
        predictionsAgree({ label: 'spam', score: sb }, { label: 'ham', score: Math.fround(sc) }, tol),
      ).toBe(true);
    }
    expect(predictionsAgree({ label: 'spam', score: 0.53 }, { label: 'ham', score: 0.53 }, 0.05)).toBe(false);
  });

  it('reads the prediction a protocol decoded, and none from a mapping miss', () => {
    expect(readPrediction({ status: 200, body: {}, latencyMs: 1, prediction: { value: 3 } })).toEqual({
      value: 3,
    });
    expect(
      readPrediction({ status: 200, body: { label: 'a', score: 1 }, latencyMs: 1, decodeError: 'x' }),
    ).toBeUndefined();
  });

  it('maps a two-class probability vector to its positive class entry', () => {
    const m = scoreMapper(['ham', 'spam']);
    expect(m.map({ probabilities: [0.3, 0.7], classes: ['ham', 'spam'], label: 'spam', score: 0.7 })).toBe(
      0.7,
    );
    expect(m.map({ probabilities: [0.6, 0.4], classes: ['ham', 'spam'], label: 'ham', score: 0.6 })).toBe(
      0.4,
    );
  });
});
