import type { OutputKind } from '../spec/types.js';

/**
 * One model answer, as the gates compare it (read from any protocol's response).
 * label: `label` (+ `score`, the probability of that label, when the server gives one);
 * probabilities: the vector, its `classes`, and label/score = argmax class / its probability;
 * regression: `value`.
 */
export interface Prediction {
  label?: string;
  score?: number;
  probabilities?: number[];
  classes?: string[];
  value?: number;
}

/** What a mapping found in one answer, before it is shaped by the output kind. */
export interface MappedParts {
  label?: unknown;
  score?: unknown;
  probabilities?: unknown;
  classes?: readonly string[];
  value?: unknown;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A one-element list (a batch of one, a [1] tensor) stands for its element. */
function single(v: unknown): unknown {
  let x = v;
  while (Array.isArray(x) && x.length === 1) x = x[0];
  return x;
}

/** A vector of numbers, unwrapping a batch of one ([[0.1, 0.9]] → [0.1, 0.9]). */
function vector(v: unknown): number[] | undefined {
  let x = v;
  while (Array.isArray(x) && x.length === 1 && Array.isArray(x[0])) x = x[0];
  return Array.isArray(x) && x.length > 0 && x.every(isNumber) ? (x as number[]) : undefined;
}

/** Index of the largest entry (the first on ties, as numpy's argmax). */
export function argmax(p: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return best;
}

/**
 * Shape mapped parts into a Prediction of `kind`, or say what is wrong (`problem`, naming the
 * part). A label may be a string, a number or a boolean (class ids like 0/1 are common); it is
 * compared as text.
 */
export function shapePrediction(parts: MappedParts, kind: OutputKind): Prediction | { problem: string } {
  if (kind === 'regression') {
    const v = single(parts.value ?? parts.score);
    if (!isNumber(v)) return { problem: 'value: expected a finite number' };
    return { value: v };
  }
  if (kind === 'probabilities' || (parts.probabilities !== undefined && parts.label === undefined)) {
    const p = vector(parts.probabilities);
    if (!p) return { problem: 'probabilities: expected a non-empty list of numbers' };
    const classes = parts.classes ?? p.map((_, i) => String(i));
    if (classes.length !== p.length)
      return { problem: `classes: ${classes.length} names for ${p.length} probabilities` };
    const top = argmax(p);
    return { probabilities: p, classes: [...classes], label: classes[top], score: p[top] };
  }
  const label = single(parts.label);
  if (typeof label !== 'string' && !isNumber(label) && typeof label !== 'boolean')
    return { problem: 'label: expected a string, number or boolean' };
  const out: Prediction = { label: String(label) };
  if (parts.score !== undefined) {
    const s = single(parts.score);
    if (!isNumber(s)) return { problem: 'score: expected a finite number' };
    out.score = s;
  }
  return out;
}
