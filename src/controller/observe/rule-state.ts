/** The observation rules (spec.observation.rules), after the seed's PrometheusRule alerts. */
export type RuleName = 'latencyRegression' | 'errorRate' | 'notReady' | 'confidenceShift';

export const RULE_NAMES: readonly RuleName[] = [
  'latencyRegression',
  'errorRate',
  'notReady',
  'confidenceShift',
];

/**
 * A rule's alert state, as Prometheus keeps it: inactive → pending (condition true, `for` not yet
 * elapsed) → firing. Persisted in the rollout context so a restarted controller keeps `for` timers
 * honest instead of starting them over.
 */
export interface RuleState {
  state: 'inactive' | 'pending' | 'firing';
  /** When the condition became true (pending/firing), ms. */
  since: number | null;
  /** Last measured value; null = no data. */
  measured: number | null;
  threshold: number | null;
  evaluatedAt: number;
}
