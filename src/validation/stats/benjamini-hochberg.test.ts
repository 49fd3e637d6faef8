import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from './benjamini-hochberg.js';

describe('benjaminiHochberg', () => {
  it('matches hand-computed step-up adjusted p-values (R p.adjust "BH")', () => {
    // sorted p: .005 .01 .03 .04, m = 4 → p·m/k = .02 .02 .04 .04, then running minimum from the top
    const r = benjaminiHochberg([0.01, 0.04, 0.03, 0.005], 0.05);
    expect(r.adjusted).toEqual([0.02, 0.04, 0.04, 0.02]);
    expect(r.rejected).toEqual([true, true, true, true]);
  });

  it('Benjamini & Hochberg 1995 worked example: 15 p-values, q = 0.05 rejects the four smallest', () => {
    // The paper's example (section 3.2): the procedure rejects the hypotheses with the 4 smallest p-values.
    const p = [
      0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528,
      0.759, 1,
    ];
    const r = benjaminiHochberg(p, 0.05);
    expect(r.rejected.filter(Boolean).length).toBe(4);
    expect(r.rejected.slice(0, 4)).toEqual([true, true, true, true]);
  });

  it('step-up: a large p can be rejected thanks to the ones below it', () => {
    // m = 2: p(2) = 0.05 ≤ 2/2 · 0.05, so both go, although 0.04 alone would need ≤ 0.025 with Bonferroni
    expect(benjaminiHochberg([0.04, 0.05]).rejected).toEqual([true, true]);
    expect(benjaminiHochberg([0.04, 0.5]).rejected).toEqual([false, false]);
  });

  it('empty and single inputs', () => {
    expect(benjaminiHochberg([])).toEqual({ adjusted: [], rejected: [] });
    expect(benjaminiHochberg([0.2]).adjusted).toEqual([0.2]);
  });
});
