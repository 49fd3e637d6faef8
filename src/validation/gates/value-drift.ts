import { type DriftStatistics, driftStatistics } from '../stats/drift.js';
import { sortedCopy } from '../stats/histogram.js';
import { ksTestSorted } from '../stats/ks.js';
import { wasserstein1Sorted } from '../stats/wasserstein.js';

/** Mid-rank position of `v` among sorted values, on [0, 1]: the baseline's empirical CDF. */
function midRank(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  const below = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return (below + lo) / (2 * sorted.length);
}

/**
 * Drift statistics for regression values, which have no fixed range: KS on the values themselves
 * (it needs none); Wasserstein-1 divided by the baseline's range (max − min, or 1 when constant), so
 * it reads like the score gates' "moved by this fraction of the range"; PSI and JS on quantile bins
 * of the baseline's values (both sides mapped through the baseline's empirical CDF, then equal
 * bins on [0, 1]: every bin holds 1/bins of the baseline).
 */
export function valueDrift(
  baseline: readonly number[],
  candidate: readonly number[],
  bins: number,
): DriftStatistics & {
  unit: { baseline: number[]; candidate: number[] };
} {
  const a = sortedCopy(baseline);
  const b = sortedCopy(candidate);
  const unit = {
    baseline: baseline.map((v) => midRank(a, v)),
    candidate: candidate.map((v) => midRank(a, v)),
  };
  const binned = driftStatistics(unit.baseline, unit.candidate, bins);
  const range = a.length > 0 ? a[a.length - 1] - a[0] : 0;
  return {
    ...binned,
    ks: ksTestSorted(a, b),
    wasserstein: wasserstein1Sorted(a, b) / (range > 0 ? range : 1),
    unit,
  };
}
