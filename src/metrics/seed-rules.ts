import { otherColor } from '../spec/types.js';
import { CLIENT_ERROR_TYPES, CONTROLLER, EXTERNAL, JOBS, MODEL_SERVER } from './names.js';
import { duration, type Matchers, quantile, reEscape, selector, summed } from './promql.js';
import { type AlertRule, forClause, type RuleOptions, round } from './rule-options.js';

/** The seed's four alerts, rewritten over the metrics greenlight exports (local and Kubernetes alike). */
export function seedRules(o: RuleOptions): AlertRule[] {
  const c = o.candidate;
  const b = otherColor(c);
  const dep: Matchers = { deployment: o.deployment };
  const window = duration(o.rateWindowSeconds);
  const by = ['deployment'];
  const C = c[0].toUpperCase() + c.slice(1);
  return [
    {
      alert: 'GreenDeploymentSlow',
      // No kube-state-metrics locally: the controller's own phase clock says how long the
      // candidate has been waiting for its replicas to turn ready.
      expr: `${selector(CONTROLLER.phase, { phase: 'WaitingReady', ...dep })} == 1\nand on (deployment)\n(time() - ${selector(CONTROLLER.phaseSince, dep)}) > ${o.slowReadySeconds}`,
      labels: { severity: 'warning', color: c, greenlight_rule: 'readyTimeout' },
      annotations: {
        summary: `${C} deployment slow to reach ready state`,
        description: `Rollout of {{ $labels.deployment }} has waited more than ${duration(o.slowReadySeconds)} for the candidate's replicas to become ready.`,
      },
    },
    {
      alert: 'GreenLatencyRegression',
      // Baseline over a longer window: after the switch the old color gets no traffic, and its
      // last hour still holds the pre-switch latency. With no baseline data the rule is silent.
      expr: `${quantile(0.95, MODEL_SERVER.latency, { color: c, ...dep }, window, by)}\n> ${o.latencyRatio} *\n${quantile(0.95, MODEL_SERVER.latency, { color: b, ...dep }, duration(o.baselineWindowSeconds), by)}`,
      ...forClause(o.latencyForSeconds),
      labels: { severity: 'critical', color: c, greenlight_rule: 'latencyRegression' },
      annotations: {
        summary: `${C} latency ${Math.round((o.latencyRatio - 1) * 100)}% worse than ${b}`,
        description: `P95 latency of {{ $labels.deployment }} ${c} is more than ${o.latencyRatio}x ${b}'s P95 over the last ${duration(o.baselineWindowSeconds)}.`,
      },
    },
    {
      alert: 'GreenHighErrorRate',
      expr: `(\n${summed('rate', MODEL_SERVER.errors, { color: c, ...dep, error_type: { notRe: CLIENT_ERROR_TYPES.join('|') } }, window, by)}\n/\n${summed('rate', MODEL_SERVER.requests, { color: c, ...dep }, window, by)}\n) > ${o.errorRatio}`,
      ...forClause(o.errorForSeconds),
      labels: { severity: 'critical', color: c, greenlight_rule: 'errorRate' },
      annotations: {
        summary: `${C} error rate > ${round(o.errorRatio * 100)}%`,
        description: `More than ${round(o.errorRatio * 100)}% of {{ $labels.deployment }} ${c}'s requests failed over ${window}.`,
      },
    },
    {
      alert: 'BothDeploymentsDown',
      // Summed over both colors: the seed's per-deployment `< 1` also fired when the idle color
      // was torn down on purpose.
      expr: `sum by (deployment) (${selector(EXTERNAL.up, { job: JOBS.modelServer, color: { re: 'blue|green' }, ...dep })}) < 1`,
      ...forClause(o.downForSeconds),
      labels: { severity: 'critical', greenlight_rule: 'notReady' },
      annotations: {
        summary: 'All model server replicas down!',
        description:
          'No model server of {{ $labels.deployment }} (blue or green) answers its metrics scrape.',
      },
    },
  ];
}

/** kube-state-metrics variants of the readiness alerts, for the PrometheusRule form. */
export function kubeRules(o: RuleOptions): AlertRule[] {
  const ns: Matchers = { namespace: o.namespace };
  const cand = { deployment: o.deploymentNames[o.candidate], ...ns };
  const both = {
    deployment: { re: `${reEscape(o.deploymentNames.blue)}|${reEscape(o.deploymentNames.green)}` },
    ...ns,
  };
  return [
    {
      alert: 'GreenDeploymentSlow',
      expr: `${selector(EXTERNAL.kubeSpecReplicas, cand)}\n- ${selector(EXTERNAL.kubeReplicasReady, cand)}\n> 0`,
      ...forClause(o.slowReadySeconds),
      labels: {
        severity: 'warning',
        color: o.candidate,
        greenlight_rule: 'readyTimeout',
        source: 'kube-state-metrics',
      },
      annotations: {
        summary: 'Green deployment slow to reach ready state',
        description: `Deployment {{ $labels.deployment }} has had fewer ready replicas than desired for ${duration(o.slowReadySeconds)}.`,
      },
    },
    {
      alert: 'BothDeploymentsDown',
      expr: `sum by (namespace) (${selector(EXTERNAL.kubeReplicasReady, both)}) < 1`,
      ...forClause(o.downForSeconds),
      labels: { severity: 'critical', greenlight_rule: 'notReady', source: 'kube-state-metrics' },
      annotations: {
        summary: 'All model server replicas down!',
        description: `Neither ${o.deploymentNames.blue} nor ${o.deploymentNames.green} in {{ $labels.namespace }} has a ready replica.`,
      },
    },
  ];
}
