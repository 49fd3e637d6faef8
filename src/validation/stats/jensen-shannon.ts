import { histogram01, proportions } from './histogram.js';

/**
 * Jensen–Shannon distance, base 2: sqrt(½ KL(P‖M) + ½ KL(Q‖M)) with M = ½(P + Q) — the same
 * definition as scipy.spatial.distance.jensenshannon(p, q, base=2). It is a metric in [0, 1]:
 * 0 for identical distributions, 1 for disjoint ones; empty bins need no epsilon (0 · log 0 = 0).
 */
export function jensenShannonFromCounts(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError('Jensen-Shannon needs histograms with the same bins');
  const pp = proportions(p);
  const qq = proportions(q);
  let js = 0;
  for (let i = 0; i < pp.length; i++) {
    const m = (pp[i] + qq[i]) / 2;
    if (pp[i] > 0) js += 0.5 * pp[i] * Math.log2(pp[i] / m);
    if (qq[i] > 0) js += 0.5 * qq[i] * Math.log2(qq[i] / m);
  }
  // Rounding can leave a tiny negative for identical inputs.
  return Math.sqrt(Math.min(1, Math.max(0, js)));
}

/** Jensen–Shannon distance between two score samples on [0, 1], binned into `bins` equal-width bins. */
export function jensenShannon(baseline: ArrayLike<number>, candidate: ArrayLike<number>, bins = 10): number {
  return jensenShannonFromCounts(histogram01(baseline, bins), histogram01(candidate, bins));
}
