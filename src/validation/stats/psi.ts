import { histogram01, proportions } from './histogram.js';

/** Proportion used for an empty bin: ln(0) would make PSI infinite for one stray score. */
export const PSI_EPSILON = 1e-4;

/**
 * Population Stability Index of `actual` against `expected` (both histograms over the same bins):
 * Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), with proportions below PSI_EPSILON raised to it. Rules of thumb
 * (Siddiqi 2006): < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift.
 */
export function psiFromCounts(
  expected: ArrayLike<number>,
  actual: ArrayLike<number>,
  epsilon = PSI_EPSILON,
): number {
  if (expected.length !== actual.length) throw new RangeError('PSI needs histograms with the same bins');
  const e = proportions(expected);
  const a = proportions(actual);
  let psi = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i], epsilon);
    const ai = Math.max(a[i], epsilon);
    psi += (ai - ei) * Math.log(ai / ei);
  }
  return psi;
}

/** PSI of candidate scores against baseline scores on [0, 1], `bins` equal-width bins. */
export function psi(baseline: ArrayLike<number>, candidate: ArrayLike<number>, bins = 10): number {
  return psiFromCounts(histogram01(baseline, bins), histogram01(candidate, bins));
}
