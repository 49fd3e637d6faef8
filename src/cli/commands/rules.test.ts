import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCli } from '../../testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-rules-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = {
  groups?: { rules: { alert: string; expr: string; for?: string }[] }[];
  kind?: string;
  spec?: Doc;
};

function alerts(doc: Doc) {
  return (doc.groups ?? doc.spec?.groups ?? []).flatMap((g) => g.rules);
}

describe('greenlight rules', () => {
  it('prints a Prometheus rule file with the seed four and the controller alerts', async () => {
    const r = await runCli(['rules']);
    expect(r.code, r.stderr).toBe(0);
    const names = alerts(parse(r.stdout)).map((a) => a.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'GreenDeploymentSlow',
        'GreenLatencyRegression',
        'GreenHighErrorRate',
        'BothDeploymentsDown',
        'GreenlightRolloutStuck',
        'GreenlightRollbackHappened',
        'GreenlightShadowDisagreementRising',
      ]),
    );
  });

  it('writes the PrometheusRule form to --out', async () => {
    const out = join(dir, 'rule.yaml');
    const r = await runCli(['rules', '--format', 'prometheusrule', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const doc = parse(readFileSync(out, 'utf8'));
    expect(doc.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(doc.kind).toBe('PrometheusRule');
    expect(alerts(doc).some((a) => a.expr.includes('kube_deployment_status_replicas_ready'))).toBe(true);
  });

  it('--candidate blue mirrors the Green* alerts', async () => {
    const r = await runCli(['rules', '--candidate', 'blue']);
    expect(r.code, r.stderr).toBe(0);
    const latency = alerts(parse(r.stdout)).find((a) => a.alert === 'GreenLatencyRegression');
    expect(latency?.expr).toMatch(/color="blue"\}\[5m\][\s\S]*color="green"\}\[1h\]/);
  });

  it('rejects an unknown format with exit 2', async () => {
    const r = await runCli(['rules', '--format', 'alertmanager']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format');
  });

  it.skipIf(!existsSync(join(ROOT, 'src/spec/load.ts')))('takes thresholds from --spec', async () => {
    const spec = join(dir, 'spec.yaml');
    writeFileSync(
      spec,
      `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata:
  name: fraud
spec:
  serviceName: fraud
  blue: { deploymentName: fraud-blue, replicas: 1, modelVersion: "v1", model: ./a.onnx }
  green: { deploymentName: fraud-green, replicas: 1, modelVersion: "v2", model: ./b.onnx }
  validation:
    agreementThreshold: 0.9
  observation:
    window: 1h
    rules:
      latencyRegression: { ratio: 1.5, for: 3m }
      errorRate: { threshold: 0.02 }
`,
    );
    const r = await runCli(['rules', '--spec', spec]);
    expect(r.code, r.stderr).toBe(0);
    const rules = alerts(parse(r.stdout));
    const latency = rules.find((a) => a.alert === 'GreenLatencyRegression');
    expect(latency?.expr).toContain('deployment="fraud"');
    expect(latency?.expr).toContain('> 1.5 *');
    expect(latency?.for).toBe('3m');
    expect(rules.find((a) => a.alert === 'GreenHighErrorRate')?.expr).toMatch(/> 0\.02$/);
    expect(rules.find((a) => a.alert === 'GreenlightShadowDisagreementRising')?.expr).toMatch(/> 0\.1$/);
  });
});
