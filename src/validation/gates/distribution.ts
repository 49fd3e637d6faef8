import type { DistributionSpec, DriftStatistic, OutputKind } from '../../spec/types.js';
import { type Prediction, readPrediction, scoreMapper } from '../prediction.js';
import { chiSquareHomogeneity } from '../stats/chi-square.js';
import { driftStatistics } from '../stats/drift.js';
import { histogram01 } from '../stats/histogram.js';
import type { ComparisonPair, GateResult } from '../types.js';
import { gateResult, round } from './result.js';
import { valueDrift } from './value-drift.js';

export interface DistributionGateInput {
  pairs: readonly ComparisonPair[];
  spec: DistributionSpec;
  /** Fewer usable pairs than this: inconclusive (no data is not a pass). Default 30. */
  minSamples?: number;
  /** What the predictions are (default label): regression compares the values themselves. */
  kind?: OutputKind;
}

interface Check {
  stat: DriftStatistic;
  value: number;
  limit: number;
  /** true = this statistic says "drifted". */
  breached: boolean;
  rule: string;
}

/** The labels in play (sorted); none for regression or when a prediction has no label. */
function labelsOf(kind: OutputKind, ps: Prediction[]): string[] {
  if (kind === 'regression' || !ps.every((p) => p.label !== undefined)) return [];
  return [...new Set(ps.map((p) => String(p.label)))].sort();
}

/** The pairs in which both colors gave a prediction. */
function predictionPairs(pairs: readonly ComparisonPair[]): { base: Prediction[]; cand: Prediction[] } {
  const base: Prediction[] = [];
  const cand: Prediction[] = [];
  for (const p of pairs) {
    const b = readPrediction(p.baseline);
    const c = readPrediction(p.candidate);
    if (b && c) {
      base.push(b);
      cand.push(c);
    }
  }
  return { base, cand };
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
  const kind = input.kind ?? 'label';
  const { base, cand } = predictionPairs(input.pairs);
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
  // Labels where there are labels (chi-square); the number the score statistics read, per kind.
  const labels = labelsOf(kind, [...base, ...cand]);
  const hasLabels = labels.length > 0;
  const mapper = scoreMapper(labels);
  const regression = kind === 'regression';
  const number = (p: Prediction) => (regression ? (p.value ?? Number.NaN) : mapper.map(p));
  const scored = base.every((p, i) => Number.isFinite(number(p)) && Number.isFinite(number(cand[i])));
  const bs = scored ? base.map(number) : [];
  const cs = scored ? cand.map(number) : [];
  const vd = regression && scored ? valueDrift(bs, cs, spec.bins) : undefined;
  const d = vd ?? driftStatistics(bs, cs, spec.bins);
  const count = (ps: Prediction[]) => labels.map((l) => ps.filter((p) => p.label === l).length);
  const chi = hasLabels
    ? chiSquareHomogeneity(count(base), count(cand))
    : { statistic: Number.NaN, pValue: Number.NaN, df: 0 };

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
  // A statistic with nothing to read (no scores from label-only servers, no labels for
  // regression) cannot decide; it is reported as null.
  const deciding = checks.filter((c) => spec.decideBy.includes(c.stat) && Number.isFinite(c.value));
  if (deciding.length === 0)
    return gateResult(
      'distribution',
      'inconclusive',
      `none of ${spec.decideBy.join(', ')} applies to these ${kind} predictions (${scored ? 'no labels' : 'no scores'})`,
      { measured: { samples: base.length }, threshold: {}, evidence: { kind, decideBy: spec.decideBy } },
    );
  const failing = deciding.filter((c) => c.breached);
  // NaN (a statistic with nothing to read) is reported as null.
  const num = (x: number, digits = 4) => (Number.isFinite(x) ? round(x, digits) : null);
  const measured = {
    samples: base.length,
    psi: num(d.psi),
    ksStatistic: num(d.ks.statistic),
    ksPValue: num(d.ks.pValue, 6),
    wasserstein: num(d.wasserstein),
    js: num(d.js),
    chi2: num(chi.statistic),
    chi2PValue: num(chi.pValue, 6),
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
    kind,
    score: regression ? 'value' : mapper.positive ? `P(${mapper.positive})` : 'score',
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
      ...(vd ? { of: "quantile bins of the baseline's values" } : {}),
      baseline: [...histogram01(vd?.unit.baseline ?? bs, spec.bins)],
      candidate: [...histogram01(vd?.unit.candidate ?? cs, spec.bins)],
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
    `no drift by ${deciding.map((c) => c.stat).join(', ')} over ${base.length} pairs (PSI ${measured.psi}, KS p ${num(d.ks.pValue, 3)}, W1 ${measured.wasserstein}, JS ${measured.js}, χ² p ${num(chi.pValue, 3)})`,
    { measured, threshold, evidence },
  );
}
