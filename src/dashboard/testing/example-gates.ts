import type { GateResult } from '../../validation/types.js';

const SPAM_EXAMPLES = [
  {
    id: 's-112',
    slice: 'html',
    text: '<html><body>Limited offer!!! Click <a href="http://x.example">here</a> to claim your prize</body></html>',
    baseline: { label: 'spam', score: 0.58 },
    candidate: { label: 'ham', score: 0.54 },
  },
  {
    id: 's-407',
    slice: 'html',
    text: '<p>Your invoice #4471 is attached. Reply if the amount is wrong.</p>',
    baseline: { label: 'ham', score: 0.61 },
    candidate: { label: 'spam', score: 0.52 },
  },
  {
    id: 's-930',
    slice: 'short',
    text: 'free tickets tonight?',
    baseline: { label: 'spam', score: 0.66 },
    candidate: { label: 'ham', score: 0.51 },
  },
];

const FRAUD_EXAMPLES = [
  {
    id: 'f-88',
    slice: 'card-not-present',
    text: '{"amount": 912.4, "merchant": "electronics", "country": "NL", "hour": 3}',
    baseline: { label: 'fraud', score: 0.71 },
    candidate: { label: 'legit', score: 0.55 },
  },
];

/** Gate results with the evidence the real gates write (shapes of src/validation/gates/*). */
export function exampleGates(kind: 'spam' | 'fraud'): GateResult[] {
  const compared = kind === 'spam' ? 150 : 120;
  const agreed = kind === 'spam' ? 148 : 119;
  const slices =
    kind === 'spam'
      ? [
          { slice: 'html', n: 38, agreement: 0.9474, pValue: 0.54, adjustedP: 0.81, failed: false },
          { slice: 'short', n: 31, agreement: 1, pValue: 1, adjustedP: 1, failed: false },
          { slice: 'plain', n: 81, agreement: 0.9877, pValue: 0.96, adjustedP: 0.96, failed: false },
        ]
      : [
          {
            slice: 'card-not-present',
            n: 52,
            agreement: 0.9808,
            pValue: 0.9,
            adjustedP: 0.95,
            failed: false,
          },
          { slice: 'in-store', n: 68, agreement: 1, pValue: 1, adjustedP: 1, failed: false },
        ];
  return [
    {
      gate: 'health',
      status: 'passed',
      measured: { ready: 2, attempts: 1 },
      threshold: { replicas: 2, retries: 5, waitSeconds: 30 },
      evidence: {},
      summary: '2/2 replicas live and ready on the first attempt',
    },
    {
      gate: 'schema',
      status: 'passed',
      measured: { mismatches: 0, compared: 20 },
      threshold: { mismatches: 0 },
      evidence: {},
      summary: "green's responses have blue's structure (20 compared)",
    },
    {
      gate: 'latency',
      status: 'passed',
      measured: { p50Ms: 3.1, p95Ms: 6.8, p99Ms: 9.9, p95Ratio: 0.93 },
      threshold: { p95Ms: 50, maxRegressionRatio: 1.2 },
      evidence: {},
      summary: 'P95 6.8 ms (SLA 50 ms), 0.93× blue',
    },
    {
      gate: 'distribution',
      status: 'passed',
      measured: { psi: 0.041, ksPValue: 0.42, wasserstein: 0.018, js: 0.012 },
      threshold: { psi: 0.25, ksPValue: 0.01, wasserstein: 0.15, js: 0.1 },
      evidence: {
        score: 'P(spam)',
        histogram: {
          bins: 10,
          baseline: [0.31, 0.12, 0.05, 0.03, 0.02, 0.02, 0.03, 0.06, 0.13, 0.23],
          candidate: [0.33, 0.11, 0.05, 0.02, 0.02, 0.03, 0.03, 0.05, 0.12, 0.24],
        },
      },
      summary: 'no drift by psi, wasserstein over 150 pairs',
    },
    {
      gate: 'agreement',
      status: 'passed',
      measured: {
        compared,
        agreed,
        agreement: Math.round((agreed / compared) * 1e4) / 1e4,
        wilsonLower: kind === 'spam' ? 0.9582 : 0.9593,
        wilsonUpper: kind === 'spam' ? 0.9963 : 0.9985,
        decidedBy: 'sprt',
        worstSlice: slices[0].slice,
        worstSliceAgreement: slices[0].agreement,
      },
      threshold: { agreementThreshold: 0.95, cap: 150, scoreTolerance: 0.05, alpha: 0.05, beta: 0.05 },
      evidence: {
        stoppedBy: 'decision',
        wilson: { confidence: 'one-sided 95%' },
        slices,
        disagreements: kind === 'spam' ? SPAM_EXAMPLES : FRAUD_EXAMPLES,
        baselineFailures: 0,
        candidateFailures: 0,
      },
      summary: `${agreed}/${compared} = ${((agreed / compared) * 100).toFixed(1)}% agree; SPRT accepted`,
    },
    {
      gate: 'resources',
      status: 'passed',
      measured: { rssMb: 182, cpuRatio: 0.97 },
      threshold: { maxRatioToBlue: 1.5 },
      evidence: {},
      summary: 'memory 182 MB (1.02× blue), CPU 0.97× blue',
    },
  ];
}
