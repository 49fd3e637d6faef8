import type { CapturedResponse } from './types.js';

/** What the gates read from a `/predict` answer: `{"label", "score"}` (score = probability of that label). */
export interface Prediction {
  label: string;
  score: number;
}

/** The prediction in a captured response, or undefined when the call failed or the body has another shape. */
export function readPrediction(r: CapturedResponse): Prediction | undefined {
  if (r.status < 200 || r.status >= 300) return undefined;
  const b = r.body as { label?: unknown; score?: unknown } | null;
  if (typeof b !== 'object' || b === null) return undefined;
  if (typeof b.label !== 'string' || typeof b.score !== 'number' || !Number.isFinite(b.score))
    return undefined;
  return { label: b.label, score: b.score };
}

/**
 * Do two predictions agree? Same label; or, with different labels, both were borderline: for a
 * binary classifier whose score is the probability of the predicted label, the two models'
 * probabilities of the same class differ by (s_b − ½) + (s_c − ½) = s_b + s_c − 1, so "within
 * `tolerance`" means s_b + s_c − 1 <= tolerance. (The seed compared the two scores directly, which
 * would count 0.97 "spam" against 0.95 "ham" as agreement.)
 */
export function predictionsAgree(baseline: Prediction, candidate: Prediction, tolerance: number): boolean {
  if (baseline.label === candidate.label) return true;
  return baseline.score + candidate.score - 1 <= tolerance + 1e-12;
}

/**
 * Map predictions to one number on [0, 1] for the distribution gate. With two labels in play it
 * is the probability of the "positive" label (the later one in sort order: "spam" of ham/spam),
 * so a label flip moves the score across the range; with one label or more than two, the score
 * (confidence) itself.
 */
export function scoreMapper(labels: Iterable<string>): {
  positive: string | undefined;
  map: (p: Prediction) => number;
} {
  const set = [...new Set(labels)].sort();
  if (set.length !== 2) return { positive: undefined, map: (p) => p.score };
  const positive = set[1];
  return { positive, map: (p) => (p.label === positive ? p.score : 1 - p.score) };
}
