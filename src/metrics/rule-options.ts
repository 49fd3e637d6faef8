import type { Color, DeploymentSpec } from '../spec/types.js';
import { duration } from './promql.js';

/** One alerting rule, as Prometheus reads it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  interval: string;
  rules: AlertRule[];
}

/**
 * What the rules watch and their thresholds. Defaults are the seed's alerts; `thresholdsFromSpec`
 * takes them from a spec's observation rules.
 */
export interface RuleOptions {
  /** Restrict every rule to this deployment (metadata.name); all deployments when undefined. */
  deployment?: string;
  namespace?: string;
  /** The color whose regressions the seed's "Green*" alerts watch, and its baseline. */
  candidate: Color;
  /** Kubernetes Deployment names of the two slots (kube-state-metrics variants). */
  deploymentNames: Record<Color, string>;
  /**
   * GreenDeploymentSlow: candidate still WaitingReady after this long. Half the ready timeout: the
   * controller gives up at the timeout itself (ValidationFailed), so the warning must come first.
   */
  slowReadySeconds: number;
  latencyRatio: number;
  latencyForSeconds: number;
  /** Window of the candidate's P95; the baseline's is `baselineWindowSeconds` (it may have had no traffic since the switch). */
  rateWindowSeconds: number;
  baselineWindowSeconds: number;
  errorRatio: number;
  errorForSeconds: number;
  downForSeconds: number;
  /** A rollout in a short phase for longer than this is stuck. */
  stuckAfterSeconds: number;
  /** Rollback alert stays active this long after a rollback. */
  rollbackWindowSeconds: number;
  /** Shadow disagreement ratio above this (1 − agreementThreshold) for `shadowForSeconds`. */
  maxDisagreement: number;
  shadowForSeconds: number;
  evaluationIntervalSeconds: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  candidate: 'green',
  deploymentNames: { blue: 'model-server-blue', green: 'model-server-green' },
  slowReadySeconds: 150,
  latencyRatio: 1.2,
  latencyForSeconds: 120,
  rateWindowSeconds: 300,
  baselineWindowSeconds: 3600,
  errorRatio: 0.01,
  errorForSeconds: 60,
  downForSeconds: 60,
  stuckAfterSeconds: 1800,
  rollbackWindowSeconds: 600,
  maxDisagreement: 0.05,
  shadowForSeconds: 300,
  evaluationIntervalSeconds: 30,
};

/** Rule options for one deployment, thresholds taken from its spec. */
export function ruleOptionsFromSpec(spec: DeploymentSpec, candidate: Color = 'green'): RuleOptions {
  const r = spec.observation.rules;
  return {
    ...DEFAULT_RULE_OPTIONS,
    deployment: spec.name,
    namespace: spec.namespace,
    candidate,
    deploymentNames: { blue: spec.blue.deploymentName, green: spec.green.deploymentName },
    slowReadySeconds: Math.max(1, Math.round(spec.readyTimeoutSeconds / 2)),
    latencyRatio: r.latencyRegression.ratio,
    latencyForSeconds: r.latencyRegression.forSeconds,
    errorRatio: r.errorRate.threshold,
    errorForSeconds: r.errorRate.forSeconds,
    downForSeconds: r.notReady.forSeconds,
    // Stuck = longer than the slowest legitimate short phase could take.
    stuckAfterSeconds: Math.max(
      DEFAULT_RULE_OPTIONS.stuckAfterSeconds,
      spec.readyTimeoutSeconds + spec.validation.timeoutSeconds + spec.autoSwitch.switchDelaySeconds,
    ),
    maxDisagreement: round(1 - spec.validation.agreementThreshold),
    evaluationIntervalSeconds: Math.min(
      DEFAULT_RULE_OPTIONS.evaluationIntervalSeconds,
      spec.observation.intervalSeconds,
    ),
  };
}

/** Round away float noise (1 - 0.95 = 0.050000000000000044). */
export function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** `for: <duration>`, or nothing for 0. */
export function forClause(seconds: number): { for?: string } {
  return seconds > 0 ? { for: duration(seconds) } : {};
}
