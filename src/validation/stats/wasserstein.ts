/**
 * Wasserstein-1 (earth mover's) distance between two empirical distributions given as sorted
 * arrays: ∫ |F(x) − G(x)| dx, computed in one merge pass over both (as scipy.stats.wasserstein_distance).
 */
export function wasserstein1Sorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let dist = 0;
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
    // F and G are constant on [prev, x): add the area between them.
    dist += Math.abs(i / n - j / m) * (x - prev);
    prev = x;
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
  }
  return dist;
}

/**
 * Normalised Wasserstein-1 for scores on [0, 1]: W1 divided by the width of the range (1), so it
 * reads as "the average score moved by this much" and lies in [0, 1]. Inputs must be sorted.
 */
export function wassersteinScoresSorted(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  range: [number, number] = [0, 1],
): number {
  return wasserstein1Sorted(a, b) / (range[1] - range[0]);
}
