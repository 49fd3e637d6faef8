import { normalQuantile } from './normal.js';
import { createSprt, type SprtState, sprtHypotheses } from './sprt.js';
import { type Interval, wilsonInterval } from './wilson.js';

export interface AgreementTestParams {
  threshold: number;
  indifference: number;
  alpha: number;
  beta: number;
  /** Most observations taken; reaching it undecided by the SPRT hands over to the Wilson bound. */
  cap: number;
}

export type AgreementDecision = 'passed' | 'failed' | 'inconclusive';

export interface AgreementTestResult {
  decision: AgreementDecision;
  decidedBy: 'sprt' | 'wilson' | 'none';
  n: number;
  successes: number;
  /** One-sided (1 − α) Wilson bounds on the agreement rate at the point of decision. */
  wilson: Interval;
  sprt: SprtState;
}

/**
 * The sequential agreement test: Wald's SPRT (H0 p <= t − δ vs H1 p >= t + δ) stops early; at the
 * cap the one-sided (1 − α) Wilson bounds decide — lower bound >= t passes, upper bound < t
 * fails — and anything else is inconclusive, never a pass.
 */
export function createAgreementTest(params: AgreementTestParams) {
  const { p0, p1 } = sprtHypotheses(params.threshold, params.indifference);
  const sprt = createSprt({ p0, p1, alpha: params.alpha, beta: params.beta });
  const z = normalQuantile(1 - params.alpha);
  const result = (): AgreementTestResult => {
    const s = sprt.state();
    const wilson = wilsonInterval(s.successes, s.n, z);
    if (s.decision === 'accept')
      return { decision: 'passed', decidedBy: 'sprt', n: s.n, successes: s.successes, wilson, sprt: s };
    if (s.decision === 'reject')
      return { decision: 'failed', decidedBy: 'sprt', n: s.n, successes: s.successes, wilson, sprt: s };
    if (s.n >= params.cap) {
      if (wilson.lower >= params.threshold)
        return { decision: 'passed', decidedBy: 'wilson', n: s.n, successes: s.successes, wilson, sprt: s };
      if (wilson.upper < params.threshold)
        return { decision: 'failed', decidedBy: 'wilson', n: s.n, successes: s.successes, wilson, sprt: s };
    }
    return { decision: 'inconclusive', decidedBy: 'none', n: s.n, successes: s.successes, wilson, sprt: s };
  };
  return {
    /** Record one outcome; returns true once decided (by the SPRT or at the cap). */
    observe(success: boolean): boolean {
      const d = sprt.observe(success);
      return d !== 'continue' || sprt.state().n >= params.cap;
    },
    done: () => sprt.state().decision !== 'continue' || sprt.state().n >= params.cap,
    result,
  };
}

/** Run the test on a stream of outcomes (e.g. a simulation); stops at the decision or when `next` returns undefined. */
export function runAgreementTest(
  params: AgreementTestParams,
  next: () => boolean | undefined,
): AgreementTestResult {
  const test = createAgreementTest(params);
  for (let i = 0; i < params.cap; i++) {
    const o = next();
    if (o === undefined) break;
    if (test.observe(o)) break;
  }
  return test.result();
}
