import { binomialCdf } from './binomial.js';
import { normalQuantile } from './normal.js';
import { sprtBounds, sprtHypotheses } from './sprt.js';
import { wilsonInterval } from './wilson.js';

export interface SampleSizeParams {
  threshold: number;
  indifference: number;
  alpha: number;
  beta: number;
  /** The gate's cap on pairs; Infinity for the uncapped sequential test. */
  cap: number;
}

/** The agreement gate's exact outcome probabilities and sample counts at one true agreement. */
export interface OperatingPoint {
  trueAgreement: number;
  passed: number;
  failed: number;
  inconclusive: number;
  meanPairs: number;
  /** 95% of runs have stopped by this many pairs. */
  p95Pairs: number;
}

/**
 * Smallest n for which a fixed-n one-sided exact binomial test of H0 p <= t − δ against
 * H1 p >= t + δ has level α and power 1 − β, and its critical count c ("pass when at least c
 * agree"): P(X >= c | p0) <= α and P(X < c | p1) <= β. Infinite when no n up to `maxN` works.
 */
export function fixedSampleTest(p: Omit<SampleSizeParams, 'cap'>, maxN = 100_000): { n: number; c: number } {
  const { p0, p1 } = sprtHypotheses(p.threshold, p.indifference);
  // The normal approximation lands near the answer; start a little below it and walk up.
  const z =
    (normalQuantile(1 - p.alpha) * Math.sqrt(p0 * (1 - p0)) +
      normalQuantile(1 - p.beta) * Math.sqrt(p1 * (1 - p1))) /
    (p1 - p0);
  for (let n = Math.max(1, Math.floor(z * z * 0.7)); n <= maxN; n++) {
    let c = Math.ceil(n * p0);
    while (c <= n && 1 - binomialCdf(c - 1, n, p0) > p.alpha) c++;
    if (c <= n && binomialCdf(c - 1, n, p1) <= p.beta) return { n, c };
  }
  return { n: Number.POSITIVE_INFINITY, c: Number.POSITIVE_INFINITY };
}

/** The fixed-n test's sample size (fixedSampleTest's n). */
export function fixedSampleSize(p: Omit<SampleSizeParams, 'cap'>, maxN = 100_000): number {
  return fixedSampleTest(p, maxN).n;
}

/**
 * The agreement test's exact operating characteristic at true agreement `q` (no simulation):
 * the SPRT's log-likelihood ratio after n pairs depends only on the number of disagreements, so
 * the distribution over disagreements is carried forward pair by pair, mass that crosses a bound
 * is recorded as passed or failed, and at the cap what is left is judged by the one-sided Wilson
 * bounds as the gate does. Uncapped (cap Infinity), it runs until less than 1e-9 is undecided.
 */
export function operatingPoint(params: SampleSizeParams, q: number): OperatingPoint {
  const { p0, p1 } = sprtHypotheses(params.threshold, params.indifference);
  const bounds = sprtBounds(params.alpha, params.beta);
  const up = Math.log(p1 / p0);
  const down = Math.log((1 - p1) / (1 - p0));
  const z = normalQuantile(1 - params.alpha);
  const capped = Number.isFinite(params.cap);
  const limit = capped ? params.cap : 1_000_000;
  // Where the mass of n pairs with f disagreements goes: a bound, the Wilson verdict at the cap, or on.
  const fate = (n: number, f: number): 'passed' | 'failed' | 'inconclusive' | undefined => {
    const llr = (n - f) * up + f * down;
    if (llr >= bounds.upper) return 'passed';
    if (llr <= bounds.lower) return 'failed';
    if (n < limit || !capped) return undefined;
    const w = wilsonInterval(n - f, n, z);
    if (w.lower >= params.threshold) return 'passed';
    return w.upper < params.threshold ? 'failed' : 'inconclusive';
  };
  const out = { passed: 0, failed: 0, inconclusive: 0 };
  let mass = new Float64Array([1]); // mass[f]: still undecided after n pairs with f disagreements
  let meanPairs = 0;
  let stopped = 0;
  let p95Pairs = 0;
  for (let n = 1; n <= limit; n++) {
    const next = new Float64Array(n + 1);
    for (let f = 0; f < n; f++) {
      next[f] += mass[f] * q;
      next[f + 1] += mass[f] * (1 - q);
    }
    let undecided = 0;
    let stoppedNow = 0;
    for (let f = 0; f <= n; f++) {
      if (next[f] === 0) continue;
      const where = fate(n, f);
      if (where === undefined) {
        undecided += next[f];
        continue;
      }
      out[where] += next[f];
      stoppedNow += next[f];
      next[f] = 0;
    }
    meanPairs += stoppedNow * n;
    if (stopped < 0.95 && stopped + stoppedNow >= 0.95) p95Pairs = n;
    stopped += stoppedNow;
    mass = next;
    if (undecided < 1e-9) {
      out.inconclusive += undecided;
      break;
    }
  }
  return { trueAgreement: q, ...out, meanPairs, p95Pairs };
}

/** What `spec check` and every validation say up front about the agreement gate's sample sizes. */
export interface SampleSizePlan {
  fixedN: number;
  cap: number;
  /** The cap at which a candidate at t ± δ is decided by the sequential test itself in 95% of runs. */
  recommendedCap: number;
  points: { uncapped: OperatingPoint; atCap: OperatingPoint }[];
  /** Set when the cap is below recommendedCap. */
  warning?: string;
}

/** The true agreements a plan reports on: t − 2δ, t − δ, t, t + δ, t + 2δ (inside (0, 1)). */
export function planAgreements(threshold: number, indifference: number): number[] {
  return [-2, -1, 0, 1, 2]
    .map((k) => Math.round((threshold + k * indifference) * 1e6) / 1e6)
    .filter((q) => q > 0 && q < 1);
}

/** Sample sizes of the agreement gate at these settings, and whether the cap can decide. */
export function sampleSizePlan(params: SampleSizeParams): SampleSizePlan {
  const { p0, p1 } = sprtHypotheses(params.threshold, params.indifference);
  const uncapped = { ...params, cap: Number.POSITIVE_INFINITY };
  const recommendedCap = Math.max(
    operatingPoint(uncapped, p0).p95Pairs,
    operatingPoint(uncapped, p1).p95Pairs,
  );
  const points = planAgreements(params.threshold, params.indifference).map((q) => ({
    uncapped: operatingPoint(uncapped, q),
    atCap: operatingPoint(params, q),
  }));
  const plan: SampleSizePlan = { fixedN: fixedSampleSize(params), cap: params.cap, recommendedCap, points };
  if (params.cap < recommendedCap) {
    const good = operatingPoint(params, p1);
    plan.warning =
      `shadowTrafficSampleSize ${params.cap} is below the ${recommendedCap} pairs the sequential test needs to decide ` +
      `a candidate at ${round(p0)} or ${round(p1)} agreement in 95% of runs (at ${params.cap}, one at ${round(p1)} ` +
      `passes ${pct(good.passed)} and is inconclusive ${pct(good.inconclusive)}); use shadowTrafficSampleSize: ${recommendedCap}`;
  }
  return plan;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
