/**
 * Exact null distribution of the Wilcoxon signed-rank statistic T+ for n untied observations:
 * counts[k] = number of the 2^n sign patterns whose positive ranks sum to k.
 */
export function signedRankCounts(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let k = max; k >= r; k--) counts[k] += counts[k - r];
  return counts;
}

export interface HodgesLehmann {
  /** Median of the Walsh averages: the estimate of the centre. */
  estimate: number;
  /** Each bound holds with probability >= 1 − alpha on its own; -∞/∞ when n is too small for alpha. */
  lower: number;
  upper: number;
  n: number;
  /** Achieved one-sided error of each bound (<= alpha). */
  alpha: number;
}

/**
 * Hodges–Lehmann estimate of the centre of a symmetric distribution, with the distribution-free
 * confidence bounds that invert the Wilcoxon signed-rank test (Hollander & Wolfe, Nonparametric
 * Statistical Methods, §3.2): the k-th smallest and k-th largest of the n(n+1)/2 Walsh averages
 * (xᵢ + xⱼ)/2, i <= j, where k is the largest with P(T+ <= k − 1) <= alpha. Assumes independent
 * observations from one distribution symmetric about its centre; nothing about its shape or spread.
 * Used on per-round log ratios (latency, CPU), so the centre is the median ratio of a round.
 */
export function hodgesLehmann(xs: readonly number[], alpha: number): HodgesLehmann {
  const n = xs.length;
  if (n === 0) throw new RangeError('hodgesLehmann needs at least one observation');
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((xs[i] + xs[j]) / 2);
  walsh.sort((a, b) => a - b);
  const m = walsh.length;
  const estimate = m % 2 === 1 ? walsh[(m - 1) / 2] : (walsh[m / 2 - 1] + walsh[m / 2]) / 2;
  const counts = signedRankCounts(n);
  const total = 2 ** n;
  let k = 0;
  let cum = 0;
  for (let t = 0; t < counts.length; t++) {
    if ((cum + counts[t]) / total > alpha) break;
    cum += counts[t];
    k = t + 1;
  }
  if (k === 0) return { estimate, lower: -Infinity, upper: Infinity, n, alpha: 1 };
  return { estimate, lower: walsh[k - 1], upper: walsh[m - k], n, alpha: cum / total };
}
