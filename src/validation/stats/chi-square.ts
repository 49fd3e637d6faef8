import { regularizedGammaQ } from './gamma.js';

export interface ChiSquareResult {
  statistic: number;
  df: number;
  pValue: number;
}

/** P(X > x) for X ~ χ²(df): Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  if (df <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/**
 * Pearson's chi-square test of homogeneity on a 2×k table of counts (baseline and candidate label
 * frequencies over the same categories), as scipy.stats.chi2_contingency(correction=False).
 * Categories nobody produced are dropped (they carry no information and would divide by zero);
 * with fewer than two categories left the distributions are identical by construction: χ² = 0, p = 1.
 */
export function chiSquareHomogeneity(
  baseline: readonly number[],
  candidate: readonly number[],
): ChiSquareResult {
  if (baseline.length !== candidate.length)
    throw new RangeError('chi-square needs the same categories on both sides');
  const cols: [number, number][] = [];
  for (let i = 0; i < baseline.length; i++)
    if (baseline[i] + candidate[i] > 0) cols.push([baseline[i], candidate[i]]);
  const nb = cols.reduce((s, c) => s + c[0], 0);
  const nc = cols.reduce((s, c) => s + c[1], 0);
  const total = nb + nc;
  if (cols.length < 2 || nb === 0 || nc === 0) return { statistic: 0, df: 0, pValue: 1 };
  let statistic = 0;
  for (const [b, c] of cols) {
    const colTotal = b + c;
    const eb = (nb * colTotal) / total;
    const ec = (nc * colTotal) / total;
    statistic += ((b - eb) * (b - eb)) / eb + ((c - ec) * (c - ec)) / ec;
  }
  const df = cols.length - 1;
  return { statistic, df, pValue: chiSquareSurvival(statistic, df) };
}
