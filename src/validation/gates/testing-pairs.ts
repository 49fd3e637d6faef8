import type { ComparisonPair } from '../types.js';

/** A comparison pair built from two /predict bodies (tests of the pair-consuming gates). */
export function pair(
  i: number,
  baseline: unknown,
  candidate: unknown,
  extra: Partial<ComparisonPair> = {},
): ComparisonPair {
  const status = (b: unknown) =>
    (b as { status?: number })?.status === undefined ? 200 : (b as { status: number }).status;
  return {
    id: `p${i}`,
    text: `text ${i}`,
    baseline: { status: status(baseline), body: baseline, latencyMs: 1 },
    candidate: { status: status(candidate), body: candidate, latencyMs: 1 },
    ...extra,
  };
}

/** `{label, score, model_version}` as the model server answers. */
export const answer = (label: string, score: number, model_version = 'v1') => ({
  label,
  score,
  model_version,
});
