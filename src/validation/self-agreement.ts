import type { Protocol } from '../protocols/protocol.js';
import type { OutputSpec, ValidationSpec } from '../spec/types.js';
import { compare } from './gates/agreement.js';
import { round } from './gates/result.js';
import type { HttpClient } from './http.js';
import { replayPairs } from './pairs/replay.js';
import type { Sample } from './pairs/samples-file.js';

/**
 * `repeat`: the baseline answers every input twice; `replicas`: two baseline replicas answer it.
 * How a non-deterministic model's own disagreement is measured.
 */
export type SelfAgreementMode = NonNullable<ValidationSpec['selfAgreement']>;

export interface SelfAgreement {
  mode: Exclude<SelfAgreementMode, 'off'>;
  pairs: number;
  agreed: number;
  rate: number;
  /** The agreement threshold the candidate is held to: t − (1 − self-agreement rate). */
  effectiveThreshold: number;
}

/**
 * Measure the baseline against itself on the first `count` samples of the replay order, with the
 * agreement gate's own comparison, and lower the threshold by the disagreement it shows: a
 * candidate that disagrees with the baseline exactly as often as the baseline disagrees with
 * itself, plus the (1 − t) the spec allows, passes. The rate is a point estimate over `count`
 * pairs (about ±2.4 points at 95% for 200 pairs at 97%); that noise is not carried into the
 * agreement test.
 */
export async function measureSelfAgreement(opts: {
  mode: Exclude<SelfAgreementMode, 'off'>;
  client: HttpClient;
  baseline: string[];
  samples: readonly Sample[];
  order: readonly number[];
  count: number;
  threshold: number;
  scoreTolerance: number;
  /** How the baseline is spoken to (both requests of a pair); default greenlight's /predict. */
  protocol?: Protocol;
  /** How its answers compare (output kind and tolerances), as in the agreement gate; default labels. */
  output?: OutputSpec;
  signal?: AbortSignal;
}): Promise<SelfAgreement | { error: string }> {
  if (opts.mode === 'replicas' && opts.baseline.length < 2)
    return { error: 'selfAgreement "replicas" needs two baseline replicas; use "repeat" with one' };
  const [first, second] =
    opts.mode === 'replicas' ? [[opts.baseline[0]], [opts.baseline[1]]] : [opts.baseline, opts.baseline];
  let pairs = 0;
  let agreed = 0;
  for await (const p of replayPairs({
    client: opts.client,
    baseline: first,
    candidate: second,
    samples: opts.samples,
    order: opts.order.slice(0, opts.count),
    protocols: opts.protocol && { baseline: opts.protocol, candidate: opts.protocol },
    kind: opts.output?.kind,
    signal: opts.signal,
  })) {
    // The agreement gate's own comparison; a pair either side failed says nothing about noise.
    const { outcome } = compare(p, opts, opts.output);
    if (outcome === 'baseline failed' || outcome === 'candidate failed') continue;
    pairs++;
    if (outcome === 'agreed') agreed++;
  }
  if (pairs === 0) return { error: 'the baseline answered none of the self-agreement requests' };
  const rate = agreed / pairs;
  return {
    mode: opts.mode,
    pairs,
    agreed,
    rate: round(rate),
    effectiveThreshold: round(Math.max(0.01, opts.threshold - (1 - rate))),
  };
}
