import { normalQuantile } from './normal.js';

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Newcombe 1998 method 3, no
 * continuity correction). `z` is the normal quantile: 1.959964 for a two-sided 95% interval,
 * 1.644854 for a one-sided 95% bound. Unlike the Wald interval it stays inside [0, 1] and is
 * honest at 0 or n successes — the case a good candidate produces.
 */
export function wilsonInterval(successes: number, n: number, z = normalQuantile(0.975)): Interval {
  if (!(n > 0)) return { lower: 0, upper: 1 };
  if (successes < 0 || successes > n) throw new RangeError(`successes ${successes} outside 0..${n}`);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Clamp rounding noise so 0/n gives exactly 0 and n/n exactly 1.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - half),
    upper: successes === n ? 1 : Math.min(1, centre + half),
  };
}
