/**
 * Equal-width binning of scores on [0, 1] in one pass: values below 0 go to the first bin, values
 * at or above 1 to the last (scores are probabilities; out-of-range values are clamped, not lost).
 */
export function histogram01(values: ArrayLike<number>, bins: number): Float64Array {
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a whole number >= 1, got ${bins}`);
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    let b = Math.floor(values[i] * bins);
    if (b < 0 || Number.isNaN(b)) b = 0;
    else if (b >= bins) b = bins - 1;
    counts[b]++;
  }
  return counts;
}

/** Counts → proportions; an all-zero histogram stays all zero. */
export function proportions(counts: ArrayLike<number>): Float64Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const out = new Float64Array(counts.length);
  if (total > 0) for (let i = 0; i < counts.length; i++) out[i] = counts[i] / total;
  return out;
}

/** A sorted Float64Array copy (typed-array sort is numeric and fast; the KS and Wasserstein merges need it). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  out.sort();
  return out;
}
