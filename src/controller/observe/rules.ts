import type { ColorSignals } from '../../metrics/types.js';
import type { ObservationRulesSpec } from '../../spec/types.js';
import { psiFromCounts } from '../../validation/stats/psi.js';
import { RULE_NAMES, type RuleName, type RuleState } from './rule-state.js';

/** Fewer candidate predictions than this since the switch is "no data" for the confidence rule. */
export const MIN_CONFIDENCE_SAMPLES = 50;

export interface RuleInputs {
  candidate: ColorSignals;
  /** The baseline's P95 and score bins captured just before the switch. */
  baseline: { p95LatencySeconds: number | null; scoreBins: number[] | null } | undefined;
  /** Candidate score bins accumulated since the switch (the window's deltas summed). */
  candidateScoreBins: number[] | null;
}

/** One rule's measurement: value null means no data, which is never a breach (Argo #1466). */
interface Measurement {
  measured: number | null;
  threshold: number | null;
  breached: boolean;
}

function measure(rule: RuleName, rules: ObservationRulesSpec, input: RuleInputs): Measurement {
  const c = input.candidate;
  switch (rule) {
    case 'latencyRegression': {
      const base = input.baseline?.p95LatencySeconds ?? null;
      if (c.p95LatencySeconds === null || base === null || base <= 0)
        return { measured: null, threshold: null, breached: false };
      const threshold = rules.latencyRegression.ratio * base;
      return { measured: c.p95LatencySeconds, threshold, breached: c.p95LatencySeconds > threshold };
    }
    case 'errorRate': {
      const t = rules.errorRate.threshold;
      if (c.errorRatio === null) return { measured: null, threshold: t, breached: false };
      return { measured: c.errorRatio, threshold: t, breached: c.errorRatio > t };
    }
    case 'notReady':
      if (c.readyReplicas === null) return { measured: null, threshold: 1, breached: false };
      return { measured: c.readyReplicas, threshold: 1, breached: c.readyReplicas < 1 };
    case 'confidenceShift': {
      const t = rules.confidenceShift.psiThreshold;
      const base = input.baseline?.scoreBins ?? null;
      const cur = input.candidateScoreBins;
      const n = cur?.reduce((a, b) => a + b, 0) ?? 0;
      const baseN = base?.reduce((a, b) => a + b, 0) ?? 0;
      if (!base || !cur || base.length !== cur.length || n < MIN_CONFIDENCE_SAMPLES || baseN === 0)
        return { measured: null, threshold: t, breached: false };
      // The same PSI as the distribution gate (validation/stats/psi.ts).
      const value = psiFromCounts(base, cur);
      if (!Number.isFinite(value)) return { measured: null, threshold: t, breached: false };
      return { measured: value, threshold: t, breached: value > t };
    }
  }
}

export interface RuleEvaluation {
  states: Record<RuleName, RuleState>;
  /** Rules that changed state in this evaluation (for the audit). */
  changed: RuleName[];
  /** The first rule that is firing now, if any. */
  firing: RuleName | null;
}

/**
 * Evaluate every enabled rule at `now`, continuing the persisted `previous` states. A true condition
 * goes pending, and fires once it has held for the rule's `for` seconds; a false condition or no
 * data resets it to inactive, as Prometheus does.
 */
export function evaluateRules(
  rules: ObservationRulesSpec,
  input: RuleInputs,
  previous: Partial<Record<RuleName, RuleState>>,
  now: number,
): RuleEvaluation {
  const states = {} as Record<RuleName, RuleState>;
  const changed: RuleName[] = [];
  let firing: RuleName | null = null;
  for (const name of RULE_NAMES) {
    const spec = rules[name];
    if (!spec.enabled) continue;
    const prev = previous[name];
    const m = measure(name, rules, input);
    let state: RuleState['state'] = 'inactive';
    let since: number | null = null;
    if (m.breached) {
      since = prev && prev.state !== 'inactive' && prev.since !== null ? prev.since : now;
      state = now - since >= spec.forSeconds * 1000 ? 'firing' : 'pending';
    }
    states[name] = { state, since, measured: m.measured, threshold: m.threshold, evaluatedAt: now };
    if ((prev?.state ?? 'inactive') !== state) changed.push(name);
    if (state === 'firing' && firing === null) firing = name;
  }
  return { states, changed, firing };
}
