import type { Email, Label } from './corpus.js';
import { agreement, type ClassMetrics, classMetrics, pick, sliceIndices } from './metrics.js';

/** A model's answers on the held-out set, in held-out order. */
export interface Predictions {
  labels: Label[];
  spamProbability: number[];
}

/** What a model card reports about a model's held-out behaviour. */
export interface Evaluation {
  metrics: {
    overall: ClassMetrics;
    slices: Record<string, ClassMetrics>;
    /** Mean probability of the predicted label: a confidence shift shows here. */
    mean_confidence: number;
  };
  agreement_with_v1: { overall: number; slices: Record<string, number> };
}

/** Turn P(spam) into labels (spam when above 0.5, as the server does). */
export function toPredictions(spamProbability: number[]): Predictions {
  return { spamProbability, labels: spamProbability.map((p) => (p > 0.5 ? 'spam' : 'ham')) };
}

/** Accuracy, precision and recall overall and per slice, and label agreement with v1's predictions. */
export function evaluate(heldOut: Email[], result: Predictions, v1: Predictions): Evaluation {
  const expected = heldOut.map((e) => e.label);
  const bySlice = sliceIndices(heldOut.map((e) => e.slice));
  const slices: Record<string, ClassMetrics> = {};
  const sliceAgreement: Record<string, number> = {};
  for (const [slice, which] of Object.entries(bySlice)) {
    slices[slice] = classMetrics(pick(expected, which), pick(result.labels, which));
    sliceAgreement[slice] = agreement(pick(v1.labels, which), pick(result.labels, which));
  }
  const confidence = result.spamProbability.reduce((s, p) => s + Math.max(p, 1 - p), 0) / heldOut.length;
  return {
    metrics: { overall: classMetrics(expected, result.labels), slices, mean_confidence: confidence },
    agreement_with_v1: { overall: agreement(v1.labels, result.labels), slices: sliceAgreement },
  };
}
