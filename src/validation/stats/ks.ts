import { kolmogorovSurvival } from './kolmogorov.js';

export interface KsResult {
  /** D = sup |F_baseline − F_candidate|. */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Largest n·m for which the exact p-value is computed (an O(n·m) lattice walk). */
export const KS_EXACT_MAX_CELLS = 1_000_000;

/** D for two sorted samples, one merge pass; tied values step both CDFs together. */
export function ksStatisticSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const diff = Math.abs(i / n - j / m);
    if (diff > d) d = diff;
  }
  return d;
}

/**
 * Exact P(D >= d) under H0 for sample sizes n, m without ties: every interleaving of the two
 * samples is equally likely, so walk the n×m lattice with the draw-without-replacement
 * probabilities and keep the mass of paths that stay strictly inside |i/n − j/m| < d
 * (Hodges 1957). With ties the result is conservative.
 */
export function ksExactPValue(d: number, n: number, m: number): number {
  if (d <= 0) return 1;
  // Compare in integers: |i·m − j·n| < d·n·m, where d·n·m is a whole number up to rounding.
  const bound = Math.round(d * n * m);
  let row = new Float64Array(m + 1);
  row[0] = 1;
  for (let j = 1; j <= m; j++) {
    row[j] = Math.abs(j * n) < bound ? (row[j - 1] * (m - j + 1)) / (n + m - j + 1) : 0;
  }
  for (let i = 1; i <= n; i++) {
    const next = new Float64Array(m + 1);
    for (let j = 0; j <= m; j++) {
      if (Math.abs(i * m - j * n) >= bound) continue;
      const remaining = n + m - (i - 1) - j;
      // from (i−1, j) by drawing from the first sample
      let v = (row[j] * (n - i + 1)) / remaining;
      // from (i, j−1) by drawing from the second sample
      if (j > 0) v += (next[j - 1] * (m - j + 1)) / (n + m - i - j + 1);
      next[j] = v;
    }
    row = next;
  }
  return Math.min(1, Math.max(0, 1 - row[m]));
}

/**
 * Asymptotic p-value: Q_KS((√nₑ + 0.12 + 0.11/√nₑ) · D) with nₑ = nm/(n + m), Stephens' (1970)
 * small-sample correction as in Numerical Recipes `kstwo`.
 */
export function ksAsymptoticPValue(d: number, n: number, m: number): number {
  const en = Math.sqrt((n * m) / (n + m));
  return kolmogorovSurvival((en + 0.12 + 0.11 / en) * d);
}

/** Two-sample Kolmogorov–Smirnov test on sorted samples: exact p for small n·m, asymptotic beyond. */
export function ksTestSorted(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'asymptotic' };
  const statistic = ksStatisticSorted(a, b);
  if (n * m <= KS_EXACT_MAX_CELLS)
    return { statistic, pValue: ksExactPValue(statistic, n, m), method: 'exact' };
  return { statistic, pValue: ksAsymptoticPValue(statistic, n, m), method: 'asymptotic' };
}
