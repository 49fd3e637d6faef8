import type { OutputSpec, ValidationSpec } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import { comparePredictions, type Prediction, readPrediction } from '../prediction.js';
import { type AgreementTestResult, createAgreementTest } from '../stats/agreement-test.js';
import { sprtBounds, sprtHypotheses } from '../stats/sprt.js';
import type { ComparisonPair, GateResult } from '../types.js';
import { errorResult, gateResult, round } from './result.js';
import { judgeSlices, type SliceTally, type SliceVerdict } from './slices.js';

export type AgreementSpec = Pick<
  ValidationSpec,
  | 'agreementThreshold'
  | 'scoreTolerance'
  | 'shadowTrafficSampleSize'
  | 'sprt'
  | 'minSliceSamples'
  | 'exemptSlices'
  | 'maxDisagreementExamples'
  | 'timeoutSeconds'
>;

export interface AgreementGateInput {
  pairs: AsyncIterable<ComparisonPair>;
  spec: AgreementSpec;
  clock: Clock;
  signal?: AbortSignal;
  /**
   * The slices of the samples file with their number of samples: each must reach minSliceSamples
   * before the gate may pass, even if no pair of it has arrived yet (slices only seen in live
   * traffic are added as they come).
   */
  declaredSlices?: ReadonlyMap<string, number>;
  /** How predictions compare (output kind and tolerances); default labels. */
  output?: OutputSpec;
  /** Called after every compared pair (the CLI's progress line, the controller's status). */
  onPair?: (progress: { compared: number; agreed: number; cap: number }) => void;
}

function clip(text: string, n = 300): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

type StoppedBy = 'decision' | 'cap' | 'source exhausted' | 'timeout' | 'aborted';

/** Running counts of one gate run. */
class Tally {
  compared = 0;
  agreed = 0;
  baselineFailures = 0;
  candidateFailures = 0;
  readonly slices = new Map<string, SliceTally>();
  readonly examples: Record<string, unknown>[] = [];
  private current: SliceVerdict[] | undefined;

  constructor(
    private readonly spec: AgreementSpec,
    private readonly output: OutputSpec | undefined,
    declared: ReadonlyMap<string, number> = new Map(),
  ) {
    for (const slice of declared.keys()) this.slices.set(slice, { n: 0, agreed: 0 });
  }

  /** Count one pair; undefined when it is skipped (the baseline failed), else whether it agreed. */
  add(pair: ComparisonPair): boolean | undefined {
    const cmp = compare(pair, this.spec, this.output);
    const { outcome } = cmp;
    if (outcome === 'baseline failed') {
      this.baselineFailures++;
      return undefined;
    }
    if (outcome === 'candidate failed') this.candidateFailures++;
    const ok = outcome === 'agreed';
    this.current = undefined;
    this.compared++;
    if (ok) this.agreed++;
    if (pair.slice !== undefined) {
      const t = this.slices.get(pair.slice) ?? { n: 0, agreed: 0 };
      t.n++;
      if (ok) t.agreed++;
      this.slices.set(pair.slice, t);
    }
    if (!ok && this.examples.length < this.spec.maxDisagreementExamples) {
      this.examples.push({
        id: pair.id,
        slice: pair.slice ?? null,
        text: clip(pair.text),
        baseline: pair.baseline.body,
        candidate: pair.candidate.body,
        predictions: { baseline: cmp.baseline, candidate: cmp.candidate ?? null },
        ...(cmp.distance !== undefined ? { distance: round(cmp.distance, 6) } : {}),
      });
    }
    return ok;
  }

  verdicts(): SliceVerdict[] {
    this.current ??= judgeSlices(this.slices, {
      threshold: this.spec.agreementThreshold,
      minSamples: this.spec.minSliceSamples,
      alpha: this.spec.sprt.alpha,
      exempt: new Set(this.spec.exemptSlices ?? []),
    });
    return this.current;
  }

  /** A slice significantly below the threshold: the gate fails now, whatever the others say. */
  failedSlice(): SliceVerdict | undefined {
    return this.verdicts().find((v) => v.failed);
  }

  /**
   * Slices that keep the gate from passing: short of their minimum sample, or suspect (below the
   * threshold by a one-look bound without anytime-valid proof); sampling goes on for them.
   */
  blockingSlices(): SliceVerdict[] {
    return this.verdicts().filter((v) => v.status === 'short' || v.status === 'suspect');
  }
}

export type Outcome = 'agreed' | 'disagreed' | 'candidate failed' | 'baseline failed';

/** A pair's outcome with the predictions it was decided on and, where it means something, their distance. */
export interface PairComparison {
  outcome: Outcome;
  baseline?: Prediction;
  candidate?: Prediction;
  distance?: number;
}

/**
 * The one comparison of a pair, by the output kind (comparePredictions): a baseline that did not
 * answer skips the pair; a candidate that did not is a disagreement.
 */
export function compare(
  pair: ComparisonPair,
  spec: Pick<AgreementSpec, 'scoreTolerance'>,
  output?: OutputSpec,
): PairComparison {
  const baseline = readPrediction(pair.baseline);
  if (!baseline) return { outcome: 'baseline failed' };
  const candidate = readPrediction(pair.candidate);
  if (!candidate) return { outcome: 'candidate failed', baseline };
  const { agree, distance } = comparePredictions(baseline, candidate, spec.scoreTolerance, output);
  return { outcome: agree ? 'agreed' : 'disagreed', baseline, candidate, distance };
}

/** "slice "html" has 12 of its 20 pairs (8 more; at its 4.1% share about 490 pairs in all)". */
function shortText(v: SliceVerdict, spec: AgreementSpec, declared?: ReadonlyMap<string, number>): string {
  if (v.status === 'suspect')
    return `slice "${v.slice}" looks below the threshold (${round((v.agreement ?? 0) * 100, 1)}% of ${v.n} pairs, upper bound ${v.upper} < ${spec.agreementThreshold}) without conclusive evidence`;
  const count = declared?.get(v.slice);
  const total = declared ? [...declared.values()].reduce((a, b) => a + b, 0) : 0;
  const share = count && total ? count / total : undefined;
  const all = share
    ? `; at its ${round(share * 100, 1)}% share about ${Math.ceil(spec.minSliceSamples / share)} pairs in all`
    : '';
  return `slice "${v.slice}" has ${v.n} of the ${spec.minSliceSamples} pairs it needs (${v.needs} more${all})`;
}

/** The gate's result from the final counts and the test's state. */
function agreementResult(
  spec: AgreementSpec,
  tally: Tally,
  r: AgreementTestResult,
  stoppedBy: StoppedBy,
  sprtDecidedAt: number | null,
  declared?: ReadonlyMap<string, number>,
): GateResult {
  const { p0, p1 } = sprtHypotheses(spec.agreementThreshold, spec.sprt.indifference);
  const verdicts = tally.verdicts();
  const worst = verdicts[0];
  const { compared, agreed } = tally;
  const measured = {
    compared,
    agreed,
    agreement: compared > 0 ? round(agreed / compared) : null,
    wilsonLower: round(r.wilson.lower),
    wilsonUpper: round(r.wilson.upper),
    decidedBy: r.decidedBy,
    worstSlice: worst?.slice ?? null,
    worstSliceAgreement: worst?.agreement ?? null,
  };
  const threshold = {
    agreementThreshold: spec.agreementThreshold,
    cap: spec.shadowTrafficSampleSize,
    scoreTolerance: spec.scoreTolerance,
    alpha: spec.sprt.alpha,
    beta: spec.sprt.beta,
    indifference: spec.sprt.indifference,
  };
  const bounds = sprtBounds(spec.sprt.alpha, spec.sprt.beta);
  const evidence = {
    sprt: {
      p0: round(p0),
      p1: round(p1),
      llr: round(r.sprt.llr),
      upper: round(bounds.upper),
      lower: round(bounds.lower),
      decidedAt: sprtDecidedAt,
    },
    wilson: { confidence: `one-sided ${round((1 - spec.sprt.alpha) * 100, 2)}%` },
    stoppedBy,
    baselineFailures: tally.baselineFailures,
    candidateFailures: tally.candidateFailures,
    slices: verdicts,
    disagreements: tally.examples,
  };
  const parts = { measured, threshold, evidence };
  if (compared === 0) {
    if (tally.baselineFailures > 0)
      return errorResult(
        'agreement',
        `the baseline answered none of ${tally.baselineFailures} requests`,
        evidence,
      );
    return gateResult('agreement', 'inconclusive', `no comparison pairs (${stoppedBy})`, parts);
  }
  const rate = `${agreed}/${compared} = ${round((agreed / compared) * 100, 1)}%`;
  const f = tally.failedSlice();
  if (f) {
    const why = `slice "${f.slice}" agrees ${round((f.agreement ?? 0) * 100, 1)}% over ${f.n} pairs (BH-adjusted anytime p ${f.adjustedP} < ${spec.sprt.alpha})`;
    return gateResult('agreement', 'failed', `${why}; overall ${rate}`, parts);
  }
  const t = spec.agreementThreshold;
  if (r.decision === 'failed') {
    const how =
      r.decidedBy === 'sprt'
        ? `SPRT rejected after ${compared} pairs`
        : `Wilson upper ${round(r.wilson.upper, 3)} < ${t}`;
    return gateResult('agreement', 'failed', `agreement ${rate}: ${how}`, parts);
  }
  const short = tally.blockingSlices();
  if (r.decision === 'passed' && short.length > 0) {
    const which = short.map((v) => shortText(v, spec, declared)).join('; ');
    return gateResult(
      'agreement',
      'inconclusive',
      `agreement ${rate} would pass, but ${which}: raise shadowTrafficSampleSize or add samples of that slice`,
      parts,
    );
  }
  if (r.decision === 'passed') {
    const how =
      r.decidedBy === 'sprt'
        ? `SPRT accepted after ${sprtDecidedAt} pairs`
        : `Wilson lower ${round(r.wilson.lower, 3)} ≥ ${t}`;
    return gateResult('agreement', 'passed', `agreement ${rate}: ${how}`, parts);
  }
  const why = `${stoppedBy}; Wilson lower ${round(r.wilson.lower, 3)} < ${t}`;
  return gateResult(
    'agreement',
    'inconclusive',
    `agreement ${rate} undecided after ${compared} pairs (${why}): need more samples`,
    parts,
  );
}

/**
 * Shadow agreement gate. Each pair agrees when both colors give the same label or are both
 * borderline within `scoreTolerance` (predictionsAgree). Wald's SPRT stops early; at the cap the
 * one-sided Wilson bound decides, and undecided is `inconclusive`, never a pass. A pair the
 * baseline failed is skipped (not the candidate's fault); one the candidate failed is a
 * disagreement. Slices: the gate may not pass while a declared (or seen) slice has fewer than
 * `minSliceSamples` pairs — that is `inconclusive`, naming the slice — unless the spec exempts
 * it; a slice whose anytime-valid evidence is significant under Benjamini–Hochberg fails the gate
 * at once, whatever the overall rate (gates/slices.ts).
 */
export async function agreementGate(input: AgreementGateInput): Promise<GateResult> {
  const { spec, clock } = input;
  const cap = spec.shadowTrafficSampleSize;
  const test = createAgreementTest({
    threshold: spec.agreementThreshold,
    indifference: spec.sprt.indifference,
    alpha: spec.sprt.alpha,
    beta: spec.sprt.beta,
    cap,
  });
  const deadline = clock.now() + spec.timeoutSeconds * 1000;
  const tally = new Tally(spec, input.output, input.declaredSlices);
  let stoppedBy: StoppedBy = 'source exhausted';
  let sprtDecidedAt: number | null = null;
  // Why to stop after the latest pair, if at all.
  const afterPair = (): StoppedBy | undefined => {
    const r = test.result();
    if (r.decidedBy === 'sprt') sprtDecidedAt ??= tally.compared;
    // Failure (overall, or of one slice) is final at once; an early pass still owes every
    // declared slice its minimum sample, so the SPRT may not stop before the slices are decidable.
    if (r.decision === 'failed' || tally.failedSlice()) return 'decision';
    if (r.decision === 'passed' && r.decidedBy === 'sprt' && tally.blockingSlices().length === 0)
      return 'decision';
    return tally.compared >= cap ? 'cap' : undefined;
  };
  const stopReason = (counted: boolean): StoppedBy | undefined => {
    const after = counted ? afterPair() : undefined;
    if (after) return after;
    if (input.signal?.aborted) return 'aborted';
    if (clock.now() > deadline) return 'timeout';
    // A source of nothing but baseline failures must still end.
    if (tally.baselineFailures > cap) return 'source exhausted';
    return undefined;
  };
  try {
    for await (const pair of input.pairs) {
      const ok = tally.add(pair);
      if (ok !== undefined) {
        test.observe(ok);
        input.onPair?.({ compared: tally.compared, agreed: tally.agreed, cap });
      }
      const stop = stopReason(ok !== undefined);
      if (stop) {
        stoppedBy = stop;
        break;
      }
    }
  } catch (err) {
    return errorResult('agreement', `reading comparison pairs failed: ${(err as Error).message}`, {
      compared: tally.compared,
    });
  }
  return agreementResult(spec, tally, test.result(), stoppedBy, sprtDecidedAt, input.declaredSlices);
}
