import { jensenShannonFromCounts } from './jensen-shannon.js';
import { KS_EXACT_MAX_CELLS, type KsResult, ksAsymptoticPValue, ksExactPValue } from './ks.js';
import { psiFromCounts } from './psi.js';

export interface DriftStatistics {
  psi: number;
  ks: KsResult;
  wasserstein: number;
  js: number;
  n: { baseline: number; candidate: number };
}

/**
 * Equal-width bins on [0, 1] of a *sorted* array by binary search of the bin edges: B log n
 * instead of a pass over n. Same clamping as histogram01 (below 0 → first bin, >= 1 → last).
 */
export function histogramSorted01(sorted: Float64Array, bins: number): Float64Array {
  const counts = new Float64Array(bins);
  // index of the first element >= x
  const lowerBound = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let prev = 0;
  for (let b = 0; b < bins - 1; b++) {
    // the value floor(x·bins) maps to bin b exactly when x·bins < b + 1
    let edge = lowerBound((b + 1) / bins);
    while (edge > prev && Math.floor(sorted[edge - 1] * bins) > b) edge--;
    while (edge < sorted.length && Math.floor(sorted[edge] * bins) <= b) edge++;
    counts[b] = edge - prev;
    prev = edge;
  }
  counts[bins - 1] = sorted.length - prev;
  return counts;
}

/** KS D and Wasserstein-1 in one merge over two sorted arrays (both integrate |F − G|: max and area). */
export function ksAndWassersteinSorted(a: Float64Array, b: Float64Array): { d: number; w1: number } {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  let w1 = 0;
  let prev = Math.min(a[0], b[0]);
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i] <= b[j]) ? a[i] : b[j];
    const diff = Math.abs(i / n - j / m);
    w1 += diff * (x - prev);
    prev = x;
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const after = Math.abs(i / n - j / m);
    if (after > d) d = after;
  }
  return { d, w1 };
}

/**
 * The four score-drift statistics at once: each side is copied into a Float64Array and sorted
 * once; KS and Wasserstein share one merge over the sorted arrays, and PSI and JS share bins
 * found by binary search in them.
 */
export function driftStatistics(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  bins = 10,
): DriftStatistics {
  // `new Float64Array(typedArray)` is a memcpy; Float64Array.from walks an iterator.
  const a = baseline instanceof Float64Array ? baseline.slice() : Float64Array.from(baseline);
  const b = candidate instanceof Float64Array ? candidate.slice() : Float64Array.from(candidate);
  a.sort();
  b.sort();
  const ha = histogramSorted01(a, bins);
  const hb = histogramSorted01(b, bins);
  const n = { baseline: a.length, candidate: b.length };
  if (a.length === 0 || b.length === 0) {
    return {
      psi: Number.NaN,
      ks: { statistic: Number.NaN, pValue: Number.NaN, method: 'asymptotic' },
      wasserstein: Number.NaN,
      js: Number.NaN,
      n,
    };
  }
  const { d, w1 } = ksAndWassersteinSorted(a, b);
  const exact = a.length * b.length <= KS_EXACT_MAX_CELLS;
  return {
    psi: psiFromCounts(ha, hb),
    ks: {
      statistic: d,
      pValue: exact ? ksExactPValue(d, a.length, b.length) : ksAsymptoticPValue(d, a.length, b.length),
      method: exact ? 'exact' : 'asymptotic',
    },
    // scores live on [0, 1], so W1 is already normalised by the range
    wasserstein: w1,
    js: jensenShannonFromCounts(ha, hb),
    n,
  };
}
