import type { GateName, ValidationSpec } from './types.js';

/** Every gate, in the order runValidation runs them. */
export const ALL_GATES: GateName[] = [
  'health',
  'agreement',
  'schema',
  'distribution',
  'modelCard',
  'latency',
  'resources',
];

/**
 * The validation defaults: the seed's values where it has them (shadowTrafficSampleSize 150,
 * agreementThreshold 0.95, score tolerance 0.05, maxDriftScore 0.15, 30 s × 5 health checks,
 * 1.2× latency regression) and practice elsewhere (PSI 0.25, KS and chi-square at p < 0.05,
 * JS 0.1). The SPRT's indifference zone ±0.02 with α 0.05, β 0.2 and the cap of 150 together
 * pass a 99%-agreeing candidate in ≥ 95% of runs and a 93% one in ≤ 5% (stats/agreement-test.test.ts).
 * The spec parser starts from this object, so `greenlight validate` without --spec and a spec
 * without a validation section behave the same; it lives in spec so the parser and the spec's
 * description can read it without importing validation. A fresh object every call: callers may
 * mutate it.
 */
export function defaultValidationSpec(): ValidationSpec {
  return {
    enabled: true,
    gates: [...ALL_GATES],
    source: 'samples',
    samples: undefined,
    shadowTrafficSampleSize: 150,
    agreementThreshold: 0.95,
    scoreTolerance: 0.05,
    maxDriftScore: 0.15,
    healthCheckWaitSeconds: 30,
    healthCheckRetries: 5,
    latency: {
      p50Ms: undefined,
      p95Ms: undefined,
      p99Ms: undefined,
      maxRegressionRatio: 1.2,
      concurrency: 4,
      durationSeconds: 4,
      warmupRequests: 50,
      minRounds: 8,
      maxRounds: 20,
    },
    distribution: {
      // JS is reported, not decisive: with ~150 pairs and 10 bins its sampling noise alone is ~0.1
      // (v1→v2 measured 0.133 with KS p = 0.98), so at 0.1 it would fail healthy candidates.
      decideBy: ['psi', 'ks', 'wasserstein', 'chi2'],
      psiThreshold: 0.25,
      ksPValue: 0.05,
      chi2PValue: 0.05,
      jsThreshold: 0.1,
      wassersteinThreshold: 0.15,
      bins: 10,
    },
    sprt: { alpha: 0.05, beta: 0.2, indifference: 0.02 },
    resources: { maxRssMb: undefined, maxCpuPercent: undefined, maxRatioToBlue: 1.5 },
    minSliceSamples: 20,
    exemptSlices: [],
    seed: 1,
    selfAgreement: 'off',
    maxDisagreementExamples: 10,
    timeoutSeconds: 300,
  };
}
