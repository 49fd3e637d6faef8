import type { DistributionSpec, DriftStatistic } from '../../spec/types.js';
import { readPrediction, scoreMapper } from '../prediction.js';
import { chiSquareHomogeneity } from '../stats/chi-square.js';
import { driftStatistics } from '../stats/drift.js';
import { histogram01 } from '../stats/histogram.js';
import type { ComparisonPair, GateResult } from '../types.js';
import { gateResult, round } from './result.js';

export interface DistributionGateInput {
  pairs: readonly ComparisonPair[];
  spec: DistributionSpec;
  /** Fewer usable pairs than this: inconclusive (no data is not a pass). Default 30. */
  minSamples?: number;
}

interface Check {
  stat: DriftStatistic;
  value: number;
  limit: number;
  /** true = this statistic says "drifted". */
  breached: boolean;
  rule: string;
}

/**
 * Distribution gate: PSI, two-sample KS, normalised Wasserstein-1 and Jensen–Shannon distance on
 * the two colors' scores (mapped to the probability of the positive label when there are two
 * labels, see scoreMapper), and chi-square homogeneity on label counts. Only `spec.decideBy`
 * statistics decide; the others are reported.
 */
export function distributionGate(input: DistributionGateInput): GateResult {
  const { spec } = input;
  const minSamples = input.minSamples ?? 30;
  const base: { label: string; score: number }[] = [];
  const cand: { label: string; score: number }[] = [];
  for (const p of input.pairs) {
    const b = readPrediction(p.baseline);
    const c = readPrediction(p.candidate);
    if (b && c) {
      base.push(b);
      cand.push(c);
    }
  }
  if (base.length < minSamples) {
    return gateResult(
      'distribution',
      'inconclusive',
      `only ${base.length} pairs with a prediction from both colors (need ${minSamples})`,
      {
        measured: { samples: base.length },
        threshold: { samples: minSamples },
      },
    );
  }
  const labels = [...new Set([...base, ...cand].map((p) => p.label))].sort();
  const mapper = scoreMapper(labels);
  const bs = base.map(mapper.map);
  const cs = cand.map(mapper.map);
  const d = driftStatistics(bs, cs, spec.bins);
  const count = (ps: { label: string }[]) => labels.map((l) => ps.filter((p) => p.label === l).length);
  const chi = chiSquareHomogeneity(count(base), count(cand));

  const checks: Check[] = [
    {
      stat: 'psi',
      value: d.psi,
      limit: spec.psiThreshold,
      breached: d.psi > spec.psiThreshold,
      rule: 'PSI > limit',
    },
    {
      stat: 'ks',
      value: d.ks.pValue,
      limit: spec.ksPValue,
      breached: d.ks.pValue < spec.ksPValue,
      rule: 'KS p < limit',
    },
    {
      stat: 'wasserstein',
      value: d.wasserstein,
      limit: spec.wassersteinThreshold,
      breached: d.wasserstein > spec.wassersteinThreshold,
      rule: 'W1 > limit',
    },
    {
      stat: 'js',
      value: d.js,
      limit: spec.jsThreshold,
      breached: d.js > spec.jsThreshold,
      rule: 'JS > limit',
    },
    {
      stat: 'chi2',
      value: chi.pValue,
      limit: spec.chi2PValue,
      breached: chi.pValue < spec.chi2PValue,
      rule: 'chi-square p < limit',
    },
  ];
  const deciding = checks.filter((c) => spec.decideBy.includes(c.stat));
  const failing = deciding.filter((c) => c.breached);
  const measured = {
    samples: base.length,
    psi: round(d.psi),
    ksStatistic: round(d.ks.statistic),
    ksPValue: round(d.ks.pValue, 6),
    wasserstein: round(d.wasserstein),
    js: round(d.js),
    chi2: round(chi.statistic),
    chi2PValue: round(chi.pValue, 6),
  };
  const threshold = {
    samples: minSamples,
    psi: spec.psiThreshold,
    ksPValue: spec.ksPValue,
    wasserstein: spec.wassersteinThreshold,
    js: spec.jsThreshold,
    chi2PValue: spec.chi2PValue,
  };
  const evidence = {
    decideBy: spec.decideBy,
    score: mapper.positive ? `P(${mapper.positive})` : 'score',
    breached: checks
      .filter((c) => c.breached)
      .map((c) => ({
        stat: c.stat,
        value: round(c.value, 6),
        limit: c.limit,
        rule: c.rule,
        decides: spec.decideBy.includes(c.stat),
      })),
    ks: { method: d.ks.method },
    chi2: { df: chi.df },
    histogram: {
      bins: spec.bins,
      baseline: [...histogram01(bs, spec.bins)],
      candidate: [...histogram01(cs, spec.bins)],
    },
    labels: Object.fromEntries(
      labels.map((l, i) => [l, { baseline: count(base)[i], candidate: count(cand)[i] }]),
    ),
  };
  const fmt = (c: Check) => `${c.stat} ${round(c.value, 4)} (${c.rule.replace('limit', String(c.limit))})`;
  if (failing.length > 0) {
    return gateResult(
      'distribution',
      'failed',
      `output distribution shifted: ${failing.map(fmt).join(', ')}`,
      { measured, threshold, evidence },
    );
  }
  return gateResult(
    'distribution',
    'passed',
    `no drift by ${spec.decideBy.join(', ')} over ${base.length} pairs (PSI ${measured.psi}, KS p ${round(d.ks.pValue, 3)}, W1 ${measured.wasserstein}, JS ${measured.js}, χ² p ${round(chi.pValue, 3)})`,
    { measured, threshold, evidence },
  );
}
