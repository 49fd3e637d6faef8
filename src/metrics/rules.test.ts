import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { knownSeries } from './names.js';
import { metricNamesIn } from './promql-names.js';
import { promtoolPath, runPromtool } from './promtool.js';
import {
  type AlertRule,
  buildRuleGroups,
  DEFAULT_RULE_OPTIONS,
  type RuleOptions,
  renderRules,
} from './rules.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasPromtool = promtoolPath() !== undefined;
if (!hasPromtool)
  console.warn('!! SKIPPING promtool rule checks: promtool is not installed (apt-get install prometheus)');

/** Write the groups of a rendered document (either format) as a plain rule file. */
function writeRuleFile(name: string, rendered: string): string {
  const doc = parse(rendered) as { groups?: unknown; spec?: { groups: unknown } };
  const file = join(dir, name);
  writeFileSync(file, stringify({ groups: doc.groups ?? doc.spec?.groups }));
  return file;
}

function ruleByName(
  options: RuleOptions,
  alert: string,
  format: 'prometheus' | 'prometheusrule' = 'prometheus',
) {
  return buildRuleGroups(options, format)
    .flatMap((g) => g.rules)
    .filter((r) => r.alert === alert);
}

interface Case {
  alert: string;
  at: string;
  series: Record<string, string>;
  /** Label sets (besides the rule's own labels) expected to fire; [] = must stay silent. */
  fires: Record<string, string>[];
}

function expected(rule: AlertRule, labels: Record<string, string>) {
  const expand = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, k: string) => labels[k] ?? '');
  return {
    exp_labels: { ...labels, ...rule.labels },
    exp_annotations: {
      summary: expand(rule.annotations.summary),
      description: expand(rule.annotations.description),
    },
  };
}

/** Build and run a `promtool test rules` file for `cases` against the rendered rules. */
async function promtoolTest(
  name: string,
  options: RuleOptions,
  format: 'prometheus' | 'prometheusrule',
  cases: Case[],
) {
  const ruleFile = writeRuleFile(`${name}.rules.yaml`, renderRules(options, format));
  const tests = cases.map((c) => {
    const rules = ruleByName(options, c.alert, format);
    if (rules.length === 0) throw new Error(`no rule ${c.alert}`);
    // Alerts sharing a name (local + kube variants) differ in labels; pick the one whose labels fit.
    const pick = (labels: Record<string, string>) =>
      rules.find((r) => (labels.namespace !== undefined) === (r.labels.source === 'kube-state-metrics')) ??
      rules[0];
    return {
      interval: '1m',
      input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
      alert_rule_test: [
        { eval_time: c.at, alertname: c.alert, exp_alerts: c.fires.map((l) => expected(pick(l), l)) },
      ],
    };
  });
  const testFile = join(dir, `${name}.test.yaml`);
  writeFileSync(testFile, stringify({ rule_files: [ruleFile], evaluation_interval: '30s', tests }));
  return runPromtool(['test', 'rules', testFile]);
}

const G = 'color="green",deployment="spam"';
const B = 'color="blue",deployment="spam"';
const OK_G = 'color="green",deployment="ok"';
const OK_B = 'color="blue",deployment="ok"';

/** Histogram bucket series: `perMinute` observations each minute, all in the bucket `at`. */
function histogram(name: string, labels: string, at: number, perMinute: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const le of ['0.05', '0.1', '0.25', '0.5', '+Inf']) {
    const inc = Number(le === '+Inf' ? Infinity : le) >= at ? perMinute : 0;
    out[`${name}_bucket{${labels},le="${le}"}`] = `0+${inc}x60`;
  }
  return out;
}

/** For each alert: one input where it must fire and one (or more) where it must not. */
const SEED_CASES: Case[] = [
  {
    alert: 'GreenDeploymentSlow',
    at: '3m',
    series: {
      'greenlight_rollout_phase{deployment="spam",phase="WaitingReady"}': '1x20',
      'greenlight_rollout_phase_since_seconds{deployment="spam"}': '0x20',
      'greenlight_rollout_phase{deployment="ok",phase="WaitingReady"}': '0x20',
      'greenlight_rollout_phase{deployment="ok",phase="Validating"}': '1x20',
      'greenlight_rollout_phase_since_seconds{deployment="ok"}': '0x20',
    },
    fires: [{ deployment: 'spam', phase: 'WaitingReady' }],
  },
  {
    alert: 'GreenDeploymentSlow',
    at: '2m',
    series: {
      'greenlight_rollout_phase{deployment="spam",phase="WaitingReady"}': '1x20',
      'greenlight_rollout_phase_since_seconds{deployment="spam"}': '0x20',
    },
    fires: [],
  },
  {
    alert: 'GreenLatencyRegression',
    at: '15m',
    series: {
      // spam: green's observations all in (0.1, 0.25], blue's in (0, 0.05] → P95 ratio ≈ 5
      ...histogram('model_server_latency_seconds', G, 0.25, 60),
      ...histogram('model_server_latency_seconds', B, 0.05, 60),
      // ok: both colors equally fast
      ...histogram('model_server_latency_seconds', OK_G, 0.05, 60),
      ...histogram('model_server_latency_seconds', OK_B, 0.05, 60),
      // nobase: green slow but blue never served — no data is not a breach
      ...histogram('model_server_latency_seconds', 'color="green",deployment="nobase"', 0.5, 60),
    },
    fires: [{ deployment: 'spam' }],
  },
  {
    alert: 'GreenHighErrorRate',
    at: '10m',
    series: {
      // spam: 5% of requests fail
      [`model_server_requests_total{${G},version="v2",endpoint="predict"}`]: '0+100x30',
      [`model_server_errors_total{${G},version="v2",error_type="inference"}`]: '0+5x30',
      // ok: 0.1/s errors (the seed's raw-rate rule fires on this) but only 0.1% of 100 req/s
      [`model_server_requests_total{${OK_G},version="v2",endpoint="predict"}`]: '0+6000x30',
      [`model_server_errors_total{${OK_G},version="v2",error_type="inference"}`]: '0+6x30',
      // clientbad: 5% bad input (400) is the clients' fault, not the model's
      'model_server_requests_total{color="green",deployment="clientbad",version="v2",endpoint="predict"}':
        '0+100x30',
      'model_server_errors_total{color="green",deployment="clientbad",version="v2",error_type="bad_request"}':
        '0+5x30',
    },
    fires: [{ deployment: 'spam' }],
  },
  {
    alert: 'BothDeploymentsDown',
    at: '5m',
    series: {
      [`up{job="greenlight-model-server",instance="a",${B}}`]: '0x10',
      [`up{job="greenlight-model-server",instance="b",${G}}`]: '0x10',
      // ok: blue torn down on purpose, green serving
      [`up{job="greenlight-model-server",instance="c",${OK_B}}`]: '0x10',
      [`up{job="greenlight-model-server",instance="d",${OK_G}}`]: '1x10',
    },
    fires: [{ deployment: 'spam' }],
  },
];

const CONTROLLER_CASES: Case[] = [
  {
    alert: 'GreenlightRolloutStuck',
    at: '40m',
    series: {
      'greenlight_rollout_phase{deployment="spam",phase="Validating"}': '1x50',
      'greenlight_rollout_phase_since_seconds{deployment="spam"}': '0x50',
      // ok: observing for 40 minutes is normal
      'greenlight_rollout_phase{deployment="ok",phase="Validating"}': '0x50',
      'greenlight_rollout_phase{deployment="ok",phase="Observing"}': '1x50',
      'greenlight_rollout_phase_since_seconds{deployment="ok"}': '0x50',
    },
    fires: [{ deployment: 'spam', phase: 'Validating' }],
  },
  {
    alert: 'GreenlightRollbackHappened',
    at: '7m',
    series: {
      // born at 1 (the first rollback of this reason) and pre-initialised at 0
      'greenlight_rollbacks_total{deployment="spam",reason="errorRate"}': '_x5 1x30',
      'greenlight_rollbacks_total{deployment="ok",reason="operator"}': '0x5 1x30',
      'greenlight_rollbacks_total{deployment="calm",reason="operator"}': '0x30',
    },
    fires: [
      { deployment: 'spam', reason: 'errorRate' },
      { deployment: 'ok', reason: 'operator' },
    ],
  },
  {
    alert: 'GreenlightRollbackHappened',
    at: '25m',
    series: {
      'greenlight_rollbacks_total{deployment="spam",reason="errorRate"}': '_x5 1x30',
      'greenlight_rollbacks_total{deployment="ok",reason="operator"}': '0x5 1x30',
    },
    fires: [],
  },
  {
    alert: 'GreenlightShadowDisagreementRising',
    at: '20m',
    series: {
      'greenlight_shadow_pairs_total{deployment="spam",outcome="agreed"}': '0+90x30',
      'greenlight_shadow_pairs_total{deployment="spam",outcome="disagreed"}': '0+10x30',
      'greenlight_shadow_pairs_total{deployment="ok",outcome="agreed"}': '0+99x30',
      'greenlight_shadow_pairs_total{deployment="ok",outcome="disagreed"}': '0+1x30',
    },
    fires: [{ deployment: 'spam' }],
  },
];

const KUBE_CASES: Case[] = [
  {
    alert: 'GreenDeploymentSlow',
    at: '10m',
    series: {
      'kube_deployment_spec_replicas{namespace="default",deployment="model-server-green"}': '2x20',
      'kube_deployment_status_replicas_ready{namespace="default",deployment="model-server-green"}': '1x20',
      'kube_deployment_spec_replicas{namespace="default",deployment="model-server-blue"}': '2x20',
      'kube_deployment_status_replicas_ready{namespace="default",deployment="model-server-blue"}': '0x20',
    },
    fires: [{ namespace: 'default', deployment: 'model-server-green' }],
  },
  {
    alert: 'BothDeploymentsDown',
    at: '5m',
    series: {
      'kube_deployment_status_replicas_ready{namespace="default",deployment="model-server-green"}': '0x20',
      'kube_deployment_status_replicas_ready{namespace="default",deployment="model-server-blue"}': '0x20',
      'kube_deployment_status_replicas_ready{namespace="prod",deployment="model-server-green"}': '2x20',
      'kube_deployment_status_replicas_ready{namespace="prod",deployment="model-server-blue"}': '0x20',
    },
    fires: [{ namespace: 'default' }],
  },
];

describe('generated alert rules', () => {
  it.skipIf(!hasPromtool).each(['prometheus', 'prometheusrule'] as const)(
    'pass `promtool check rules` (%s form)',
    async (format) => {
      for (const options of [
        DEFAULT_RULE_OPTIONS,
        { ...DEFAULT_RULE_OPTIONS, deployment: 'spam', namespace: 'ml' },
      ]) {
        const result = await runPromtool([
          'check',
          'rules',
          writeRuleFile(`check-${format}.yaml`, renderRules(options, format)),
        ]);
        expect(result.ok, result.output).toBe(true);
        expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
      }
    },
  );

  it('contain the seed four and the controller alerts, with the PrometheusRule envelope', () => {
    const doc = parse(renderRules({ ...DEFAULT_RULE_OPTIONS, deployment: 'spam' }, 'prometheusrule'));
    expect(doc.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(doc.kind).toBe('PrometheusRule');
    const names = new Set(buildRuleGroups(DEFAULT_RULE_OPTIONS).flatMap((g) => g.rules.map((r) => r.alert)));
    expect([...names].sort()).toEqual([
      'BothDeploymentsDown',
      'GreenDeploymentSlow',
      'GreenHighErrorRate',
      'GreenLatencyRegression',
      'GreenlightRollbackHappened',
      'GreenlightRolloutStuck',
      'GreenlightShadowDisagreementRising',
    ]);
  });

  it('use only metric names greenlight exports (plus up; kube-state-metrics only in the Kubernetes form)', () => {
    const local = knownSeries(['model-server', 'router', 'controller', 'prometheus']);
    for (const rule of buildRuleGroups(DEFAULT_RULE_OPTIONS, 'prometheus').flatMap((g) => g.rules)) {
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const n of names) expect(local, `${rule.alert} uses ${n}`).toContain(n);
    }
    const all = knownSeries();
    for (const rule of buildRuleGroups(DEFAULT_RULE_OPTIONS, 'prometheusrule').flatMap((g) => g.rules)) {
      for (const n of metricNamesIn(rule.expr)) expect(all, `${rule.alert} uses ${n}`).toContain(n);
    }
  });

  it('take thresholds from the options and restrict to one deployment', () => {
    const rules = buildRuleGroups({
      ...DEFAULT_RULE_OPTIONS,
      deployment: 'spam',
      latencyRatio: 1.5,
      errorRatio: 0.02,
    })
      .flatMap((g) => g.rules)
      .filter((r) => r.alert !== 'BothDeploymentsDown');
    expect(rules.find((r) => r.alert === 'GreenLatencyRegression')?.expr).toContain('> 1.5 *');
    expect(rules.find((r) => r.alert === 'GreenHighErrorRate')?.expr).toMatch(/> 0\.02$/);
    for (const r of rules) expect(r.expr, r.alert).toContain('deployment="spam"');
  });

  it.skipIf(!hasPromtool)(
    'each seed alert fires on a breach and stays silent otherwise (`promtool test rules`)',
    async () => {
      const result = await promtoolTest('seed', DEFAULT_RULE_OPTIONS, 'prometheus', SEED_CASES);
      expect(result.ok, result.output).toBe(true);
      expect(result.output).toContain('SUCCESS');
    },
  );

  it.skipIf(!hasPromtool)(
    'each controller alert fires on a breach and stays silent otherwise (`promtool test rules`)',
    async () => {
      const result = await promtoolTest('controller', DEFAULT_RULE_OPTIONS, 'prometheus', CONTROLLER_CASES);
      expect(result.ok, result.output).toBe(true);
    },
  );

  it.skipIf(!hasPromtool)(
    'the kube-state-metrics variants fire (`promtool test rules` on the PrometheusRule groups)',
    async () => {
      const result = await promtoolTest('kube', DEFAULT_RULE_OPTIONS, 'prometheusrule', KUBE_CASES);
      expect(result.ok, result.output).toBe(true);
    },
  );

  it.skipIf(!hasPromtool)('a deployment-restricted rule set ignores other deployments', async () => {
    const spamOnly = { ...DEFAULT_RULE_OPTIONS, deployment: 'spam' };
    const cases = SEED_CASES.filter((c) => c.alert === 'GreenHighErrorRate').map((c) => ({
      ...c,
      series: Object.fromEntries(
        Object.entries(c.series).map(([k, v]) => [k.replace('deployment="spam"', 'deployment="other"'), v]),
      ),
      fires: [],
    }));
    const result = await promtoolTest('restricted', spamOnly, 'prometheus', cases);
    expect(result.ok, result.output).toBe(true);
  });

  it.skipIf(!hasPromtool)('a wrong expectation makes promtool fail (the harness can fail)', async () => {
    const wrong = SEED_CASES.filter((c) => c.alert === 'GreenHighErrorRate').map((c) => ({
      ...c,
      fires: [{ deployment: 'ok' }],
    }));
    const result = await promtoolTest('wrong', DEFAULT_RULE_OPTIONS, 'prometheus', wrong);
    expect(result.ok).toBe(false);
  });
});
