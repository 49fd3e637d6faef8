import { readMapped } from '../protocols/mapping.js';
import type { Prediction } from '../protocols/prediction.js';
import { DEFAULT_OUTPUT } from '../spec/server.js';
import type { OutputSpec } from '../spec/types.js';
import type { CapturedResponse } from './types.js';

export type { Prediction } from '../protocols/prediction.js';

/**
 * Slack for float noise: a float32 round trip (`Math.fround`) moves a value by at most 2^-24 of
 * itself, so two servers that hand the same number through float32 and float64 differ by ~6e-8
 * relative. Comparisons allow a few ulps more than that, never a real difference.
 */
export const FLOAT32_REL_NOISE = 2 ** -21;
const PROB_NOISE = 1e-6;

/**
 * The prediction in a captured response: the one its protocol decoded at capture; for a response
 * captured without a protocol (hand-built fixtures), greenlight's own `{"label", "score"}`.
 * Undefined when the call failed or the answer held no prediction.
 */
export function readPrediction(r: CapturedResponse): Prediction | undefined {
  if (r.status < 200 || r.status >= 300) return undefined;
  if (r.prediction !== undefined || r.decodeError !== undefined) return r.prediction;
  const p = readMapped(r.body, { label: 'label', score: 'score' }, 'label');
  return p instanceof Error || p.score === undefined ? undefined : p;
}

/** How two predictions compared: whether they agree and, where it means something, how far apart. */
export interface Comparison {
  agree: boolean;
  /** probabilities: total-variation distance; regression: |a − b|; label: P(class) gap when the labels differ. */
  distance?: number;
}

/** Total-variation distance ½ Σ |p_i − q_i| over the classes, aligned by name when both name them. */
export function totalVariation(a: Prediction, b: Prediction): number | undefined {
  const p = a.probabilities;
  const q = b.probabilities;
  if (!p || !q || p.length !== q.length) return undefined;
  const bIndex = new Map((b.classes ?? []).map((c, i) => [c, i]));
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const j = a.classes && b.classes ? bIndex.get(a.classes[i]) : i;
    if (j === undefined) return undefined;
    sum += Math.abs(p[i] - q[j]);
  }
  return sum / 2;
}

/**
 * Compare two predictions by the output kind.
 * - label: same label; or, with different labels, both were borderline: for a binary classifier
 *   whose score is the probability of the predicted label, the two models' probabilities of the
 *   same class differ by (s_b − ½) + (s_c − ½) = s_b + s_c − 1, so "within `scoreTolerance`"
 *   means s_b + s_c − 1 <= tolerance. (The seed compared the two scores directly, which would
 *   count 0.97 "spam" against 0.95 "ham" as agreement.)
 * - probabilities: same top-1 class; else agreement when the total-variation distance is within
 *   `probabilityTolerance` (a near-tie whose argmax flipped by noise).
 * - regression: |a − b| <= absTolerance + relTolerance × |a| (a = baseline).
 * Each allows float noise (FLOAT32_REL_NOISE), so a float32 round trip is never a disagreement.
 */
export function comparePredictions(
  baseline: Prediction,
  candidate: Prediction,
  scoreTolerance: number,
  output: OutputSpec = DEFAULT_OUTPUT,
): Comparison {
  if (output.kind === 'regression') {
    const a = baseline.value;
    const b = candidate.value;
    if (a === undefined || b === undefined) return { agree: false };
    const d = Math.abs(a - b);
    const allowed =
      output.absTolerance +
      output.relTolerance * Math.abs(a) +
      FLOAT32_REL_NOISE * Math.max(Math.abs(a), Math.abs(b));
    return { agree: d <= allowed, distance: d };
  }
  if (output.kind === 'probabilities') {
    const tv = totalVariation(baseline, candidate);
    if (baseline.label !== undefined && baseline.label === candidate.label)
      return { agree: true, distance: tv };
    return { agree: tv !== undefined && tv <= output.probabilityTolerance + PROB_NOISE, distance: tv };
  }
  if (baseline.label === undefined || candidate.label === undefined) return { agree: false };
  if (baseline.label === candidate.label) return { agree: true };
  if (baseline.score === undefined || candidate.score === undefined) return { agree: false };
  const gap = baseline.score + candidate.score - 1;
  return { agree: gap <= scoreTolerance + PROB_NOISE, distance: Math.max(0, gap) };
}

/** Do two predictions agree? (comparePredictions without the distance.) */
export function predictionsAgree(
  baseline: Prediction,
  candidate: Prediction,
  tolerance: number,
  output?: OutputSpec,
): boolean {
  return comparePredictions(baseline, candidate, tolerance, output).agree;
}

/**
 * Map predictions to one number on [0, 1] for the distribution gate. With two labels in play it
 * is the probability of the "positive" label (the later one in sort order: "spam" of ham/spam),
 * so a label flip moves the score across the range; with one label or more than two, the score
 * (confidence, the top-1 probability of a vector) itself. A probability vector of two classes
 * gives the positive class's own entry.
 */
export function scoreMapper(labels: Iterable<string>): {
  positive: string | undefined;
  map: (p: Prediction) => number;
} {
  const set = [...new Set(labels)].sort();
  const score = (p: Prediction) => p.score ?? Number.NaN;
  if (set.length !== 2) return { positive: undefined, map: score };
  const positive = set[1];
  return {
    positive,
    map: (p) => {
      const i = p.classes?.indexOf(positive) ?? -1;
      if (p.probabilities && i >= 0) return p.probabilities[i];
      return p.label === positive ? score(p) : 1 - score(p);
    },
  };
}
