import { lnBeta, lnRegularizedBeta } from './incomplete-beta.js';

/**
 * Evidence that a slice agrees LESS often than the threshold t, valid however often it is looked
 * at (an e-value, Ville 1939; Ramdas et al. 2023 "Game-theoretic statistics").
 *
 * It is the likelihood ratio of "the slice agrees at some rate q < t" (q uniform on [0, t]) against
 * "it agrees at t", after `agreed` of `n` pairs agreed:
 *   E = (1/t) ∫₀ᵗ (q/t)^s ((1−q)/(1−t))^f dq = B(t; s+1, f+1) / (t^(s+1) (1−t)^f).
 * If the slice truly agrees at least t, E is a non-negative supermartingale with E₀ = 1, so the
 * chance it EVER reaches 1/α is at most α — the gate may check it after every pair and stop the
 * moment it crosses, with no inflation of the false-fail rate. p = min(1, 1 / max E so far) is
 * the matching anytime-valid p-value (what Benjamini–Hochberg is given).
 */
export function lnSliceEValue(agreed: number, n: number, threshold: number): number {
  const s = agreed;
  const f = n - agreed;
  if (n === 0) return 0;
  const t = threshold;
  return (
    lnRegularizedBeta(t, s + 1, f + 1) + lnBeta(s + 1, f + 1) - (s + 1) * Math.log(t) - f * Math.log1p(-t)
  );
}

/** The anytime-valid p-value from the largest log e-value seen so far. */
export function anytimePValue(maxLnE: number): number {
  return Math.min(1, Math.exp(-maxLnE));
}
