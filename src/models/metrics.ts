import type { Label, Slice } from './corpus.js';

/** Classification quality with `spam` as the positive class. */
export interface ClassMetrics {
  examples: number;
  accuracy: number;
  precision: number;
  recall: number;
}

/** Accuracy, precision and recall of `predicted` against `expected` (0 when undefined). */
export function classMetrics(expected: Label[], predicted: Label[]): ClassMetrics {
  let correct = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  expected.forEach((e, i) => {
    const p = predicted[i];
    if (e === p) correct++;
    if (p === 'spam' && e === 'spam') tp++;
    if (p === 'spam' && e === 'ham') fp++;
    if (p === 'ham' && e === 'spam') fn++;
  });
  const n = expected.length;
  return {
    examples: n,
    accuracy: n ? correct / n : 0,
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
  };
}

/** Fraction of positions where the two label lists agree. */
export function agreement(a: Label[], b: Label[]): number {
  let same = 0;
  a.forEach((l, i) => {
    if (l === b[i]) same++;
  });
  return a.length ? same / a.length : 0;
}

/** Indices of the examples in each slice, in order. */
export function sliceIndices(slices: Slice[]): Record<Slice, number[]> {
  const out: Record<Slice, number[]> = { html: [], plain: [] };
  slices.forEach((s, i) => {
    out[s].push(i);
  });
  return out;
}

/** Pick `which` entries of a list. */
export function pick<T>(list: T[], which: number[]): T[] {
  return which.map((i) => list[i]);
}
