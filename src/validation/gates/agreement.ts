import type { OutputSpec, ValidationSpec } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import { comparePredictions, readPrediction } from '../prediction.js';
import { type AgreementTestResult, createAgreementTest } from '../stats/agreement-test.js';
import { benjaminiHochberg } from '../stats/benjamini-hochberg.js';
import { binomialCdf } from '../stats/binomial.js';
import { sprtBounds, sprtHypotheses } from '../stats/sprt.js';
import type { ComparisonPair, GateResult } from '../types.js';
import { errorResult, gateResult, round } from './result.js';

export type AgreementSpec = Pick<
  ValidationSpec,
  | 'agreementThreshold'
  | 'scoreTolerance'
  | 'shadowTrafficSampleSize'
  | 'sprt'
  | 'minSliceSamples'
  | 'maxDisagreementExamples'
  | 'timeoutSeconds'
>;

export interface AgreementGateInput {
  pairs: AsyncIterable<ComparisonPair>;
  spec: AgreementSpec;
  clock: Clock;
  signal?: AbortSignal;
  /** How predictions compare (output kind and tolerances); default labels. */
  output?: OutputSpec;
  /** Called after every compared pair (the CLI's progress line, the controller's status). */
  onPair?: (progress: { compared: number; agreed: number; cap: number }) => void;
}

interface SliceTally {
  n: number;
  agreed: number;
}

export interface SliceVerdict {
  slice: string;
  n: number;
  agreement: number;
  /** One-sided binomial p-value of H0 "slice agreement >= threshold"; null when too few samples to judge. */
  pValue: number | null;
  adjustedP: number | null;
  failed: boolean;
}

/**
 * Per-slice verdicts: every slice with at least `minSamples` pairs gets the exact binomial
 * p-value P(X <= agreed | n, threshold) of "this slice agrees at least as often as required";
 * Benjamini–Hochberg at level `q` across the judged slices names the ones that fail.
 */
export function judgeSlices(
  slices: Map<string, SliceTally>,
  threshold: number,
  minSamples: number,
  q: number,
): SliceVerdict[] {
  const all = [...slices].map(([slice, t]) => ({ slice, ...t }));
  const judged = all.filter((s) => s.n >= minSamples);
  const p = judged.map((s) => binomialCdf(s.agreed, s.n, threshold));
  const bh = benjaminiHochberg(p, q);
  const verdicts = all.map((s): SliceVerdict => {
    const i = judged.indexOf(s);
    return {
      slice: s.slice,
      n: s.n,
      agreement: round(s.agreed / s.n),
      pValue: i >= 0 ? round(p[i], 6) : null,
      adjustedP: i >= 0 ? round(bh.adjusted[i], 6) : null,
      failed: i >= 0 && bh.rejected[i],
    };
  });
  return verdicts.sort((a, b) => a.agreement - b.agreement || b.n - a.n);
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

  constructor(
    private readonly spec: AgreementSpec,
    private readonly output?: OutputSpec,
  ) {}

  /** Count one pair; undefined when it is skipped (the baseline failed), else whether it agreed. */
  add(pair: ComparisonPair): boolean | undefined {
    const b = readPrediction(pair.baseline);
    if (!b) {
      this.baselineFailures++;
      return undefined;
    }
    const c = readPrediction(pair.candidate);
    if (!c) this.candidateFailures++;
    const cmp = c === undefined ? undefined : comparePredictions(b, c, this.spec.scoreTolerance, this.output);
    const ok = cmp?.agree === true;
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
        predictions: { baseline: b, candidate: c ?? null },
        ...(cmp?.distance !== undefined ? { distance: round(cmp.distance, 6) } : {}),
      });
    }
    return ok;
  }

  verdicts(): SliceVerdict[] {
    return judgeSlices(
      this.slices,
      this.spec.agreementThreshold,
      this.spec.minSliceSamples,
      this.spec.sprt.alpha,
    );
  }

  /** Every slice seen has its minimum sample and none fails: an early pass may stop. */
  slicesSettled(): boolean {
    for (const t of this.slices.values()) if (t.n < this.spec.minSliceSamples) return false;
    return this.slices.size === 0 || !this.verdicts().some((v) => v.failed);
  }
}

/** The gate's result from the final counts and the test's state. */
function agreementResult(
  spec: AgreementSpec,
  tally: Tally,
  r: AgreementTestResult,
  stoppedBy: StoppedBy,
  sprtDecidedAt: number | null,
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
  const failedSlice = verdicts.find((v) => v.failed);
  if (failedSlice) {
    const f = failedSlice;
    const why = `slice "${f.slice}" agrees ${round(f.agreement * 100, 1)}% over ${f.n} pairs (BH-adjusted p ${f.adjustedP} < ${spec.sprt.alpha})`;
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
 * disagreement. When samples carry slices, an early pass waits until every slice seen has
 * `minSliceSamples` pairs, and a slice failing under Benjamini–Hochberg fails the gate.
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
  const tally = new Tally(spec, input.output);
  let stoppedBy: StoppedBy = 'source exhausted';
  let sprtDecidedAt: number | null = null;
  // Why to stop after the latest pair, if at all.
  const stopReason = (counted: boolean): StoppedBy | undefined => {
    if (counted) {
      const r = test.result();
      if (r.decidedBy === 'sprt') sprtDecidedAt ??= tally.compared;
      // Early failure is final; an early pass still owes every slice its minimum sample.
      if (
        r.decision === 'failed' ||
        (r.decision === 'passed' && r.decidedBy === 'sprt' && tally.slicesSettled())
      )
        return 'decision';
      if (tally.compared >= cap) return 'cap';
    }
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
  return agreementResult(spec, tally, test.result(), stoppedBy, sprtDecidedAt);
}
