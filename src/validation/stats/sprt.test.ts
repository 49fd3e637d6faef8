import { describe, expect, it } from 'vitest';
import { createSprt, sprtBounds, sprtHypotheses } from './sprt.js';

describe('Wald SPRT', () => {
  it("Wald's bounds for α = 0.05, β = 0.2: A = ln 16, B = ln(0.2/0.95)", () => {
    const b = sprtBounds(0.05, 0.2);
    expect(b.upper).toBeCloseTo(2.772588722, 9);
    expect(b.lower).toBeCloseTo(-1.558144618, 9);
  });

  it('hypotheses are threshold ± indifference, clamped inside (0, 1)', () => {
    const h = sprtHypotheses(0.95, 0.02);
    expect(h.p0).toBeCloseTo(0.93, 12);
    expect(h.p1).toBeCloseTo(0.97, 12);
    expect(sprtHypotheses(0.99, 0.02).p1).toBeLessThan(1);
  });

  it('accepts after ⌈ln16 / ln(.97/.93)⌉ = 66 straight agreements, not 65', () => {
    const s = createSprt({ p0: 0.93, p1: 0.97, alpha: 0.05, beta: 0.2 });
    for (let i = 0; i < 65; i++) expect(s.observe(true)).toBe('continue');
    expect(s.observe(true)).toBe('accept');
    expect(s.state()).toMatchObject({ n: 66, successes: 66, decision: 'accept' });
  });

  it('rejects on two straight disagreements (2·ln(.03/.07) = −1.695 < B)', () => {
    const s = createSprt({ p0: 0.93, p1: 0.97, alpha: 0.05, beta: 0.2 });
    expect(s.observe(false)).toBe('continue');
    expect(s.observe(false)).toBe('reject');
  });

  it('keeps its decision once made', () => {
    const s = createSprt({ p0: 0.93, p1: 0.97, alpha: 0.05, beta: 0.2 });
    s.observe(false);
    s.observe(false);
    for (let i = 0; i < 200; i++) expect(s.observe(true)).toBe('reject');
  });

  it('refuses impossible parameters', () => {
    expect(() => createSprt({ p0: 0.97, p1: 0.93, alpha: 0.05, beta: 0.2 })).toThrow(RangeError);
    expect(() => createSprt({ p0: 0.9, p1: 0.95, alpha: 0, beta: 0.2 })).toThrow(RangeError);
  });
});
