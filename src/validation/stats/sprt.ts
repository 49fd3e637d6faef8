/**
 * Wald's sequential probability ratio test for a Bernoulli proportion (Wald 1945).
 *
 * Hypotheses, for agreement threshold t and indifference half-width δ:
 *   H0: p <= p0 = t − δ   (the candidate agrees too rarely: fail)
 *   H1: p >= p1 = t + δ   (the candidate agrees often enough: pass)
 * After each observation the log-likelihood ratio ln L(p1)/L(p0) is compared with Wald's bounds
 * A = ln((1 − β)/α) (accept H1) and B = ln(β/(1 − α)) (accept H0). α bounds the probability of
 * passing at p0 and β that of failing at p1 (approximately; Wald's inequalities make the
 * realised rates at most α/(1 − β) and β/(1 − α)). Inside (p0, p1) either answer is acceptable.
 */

export interface SprtParams {
  p0: number;
  p1: number;
  alpha: number;
  beta: number;
}

/** `accept` = H1 (pass), `reject` = H0 (fail), `continue` = sample more. */
export type SprtDecision = 'accept' | 'reject' | 'continue';

export interface SprtState {
  n: number;
  successes: number;
  llr: number;
  decision: SprtDecision;
}

export interface Sprt {
  readonly upper: number;
  readonly lower: number;
  observe(success: boolean): SprtDecision;
  state(): SprtState;
}

/** p0 = t − δ and p1 = t + δ, kept strictly inside (0, 1) so both log terms stay finite. */
export function sprtHypotheses(threshold: number, indifference: number): { p0: number; p1: number } {
  const clamp = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p));
  return { p0: clamp(threshold - indifference), p1: clamp(threshold + indifference) };
}

/** Wald's decision bounds on the log-likelihood ratio. */
export function sprtBounds(alpha: number, beta: number): { upper: number; lower: number } {
  return { upper: Math.log((1 - beta) / alpha), lower: Math.log(beta / (1 - alpha)) };
}

/** A fresh test; once it decides, further observations are counted but the decision stays. */
export function createSprt(params: SprtParams): Sprt {
  const { p0, p1, alpha, beta } = params;
  if (!(p0 > 0 && p1 < 1 && p0 < p1))
    throw new RangeError(`SPRT needs 0 < p0 < p1 < 1, got p0=${p0} p1=${p1}`);
  if (!(alpha > 0 && alpha < 1 && beta > 0 && beta < 1))
    throw new RangeError('SPRT needs 0 < alpha, beta < 1');
  const { upper, lower } = sprtBounds(alpha, beta);
  const onSuccess = Math.log(p1 / p0);
  const onFailure = Math.log((1 - p1) / (1 - p0));
  let n = 0;
  let successes = 0;
  let llr = 0;
  let decision: SprtDecision = 'continue';
  return {
    upper,
    lower,
    observe(success) {
      n++;
      if (success) successes++;
      if (decision !== 'continue') return decision;
      llr += success ? onSuccess : onFailure;
      if (llr >= upper) decision = 'accept';
      else if (llr <= lower) decision = 'reject';
      return decision;
    },
    state: () => ({ n, successes, llr, decision }),
  };
}
