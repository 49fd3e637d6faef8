/** Cumulative histogram buckets: upper bound `le` (Infinity for +Inf) → count of observations ≤ le. */
export type Buckets = Map<number, number>;

/**
 * The q-quantile of a cumulative histogram, as Prometheus' histogram_quantile computes it: linear
 * interpolation inside the bucket holding the rank; the +Inf bucket answers its lower bound.
 * Null when the histogram is empty (no data, not zero).
 */
export function histogramQuantile(q: number, buckets: Buckets): number | null {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  if (sorted.length === 0) return null;
  const total = sorted[sorted.length - 1][1];
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      const inBucket = count - prevCount;
      if (inBucket <= 0) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Per-bin counts from cumulative buckets over [0, 1] (finite bounds only, ascending). */
export function binsFromBuckets(buckets: Buckets): number[] | null {
  const finite = [...buckets.entries()].filter(([le]) => Number.isFinite(le)).sort((a, b) => a[0] - b[0]);
  if (finite.length === 0) return null;
  let prev = 0;
  return finite.map(([, c]) => {
    const bin = Math.max(0, c - prev);
    prev = c;
    return bin;
  });
}

/** a − b per bucket (window delta of two cumulative scrapes). */
export function subtractBuckets(a: Buckets, b: Buckets | undefined): Buckets {
  const out: Buckets = new Map();
  for (const [le, c] of a) out.set(le, c - (b?.get(le) ?? 0));
  return out;
}

/** a + b per bucket. */
export function addBuckets(a: Buckets, b: Buckets): Buckets {
  const out: Buckets = new Map(a);
  for (const [le, c] of b) out.set(le, (out.get(le) ?? 0) + c);
  return out;
}
