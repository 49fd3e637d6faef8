import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusConfig, renderPrometheusConfig } from './prometheus-config.js';
import { promtoolPath, runPromtool } from './promtool.js';
import { DEFAULT_RULE_OPTIONS, renderRules } from './rules.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-promcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const targets = [
  { kind: 'modelServer' as const, url: 'http://127.0.0.1:8001', deployment: 'spam', color: 'blue' as const },
  { kind: 'modelServer' as const, url: 'http://127.0.0.1:8002', deployment: 'spam', color: 'blue' as const },
  { kind: 'modelServer' as const, url: 'http://127.0.0.1:8003', deployment: 'spam', color: 'green' as const },
  { kind: 'router' as const, url: 'http://127.0.0.1:7071', deployment: 'spam' },
  { kind: 'controlPlane' as const, url: 'http://127.0.0.1:7070/metrics' },
];

describe('prometheusConfig', () => {
  it('puts one job per kind with deployment and color target labels on model servers', () => {
    const cfg = prometheusConfig({ targets, scrapeIntervalSeconds: 1 }) as {
      global: Record<string, string>;
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        static_configs: { targets: string[]; labels?: object }[];
      }[];
    };
    expect(cfg.global.scrape_interval).toBe('1s');
    const jobs = Object.fromEntries(cfg.scrape_configs.map((j) => [j.job_name, j]));
    expect(Object.keys(jobs).sort()).toEqual([
      'greenlight-control-plane',
      'greenlight-model-server',
      'greenlight-router',
    ]);
    expect(jobs['greenlight-model-server'].static_configs).toEqual([
      { targets: ['127.0.0.1:8001', '127.0.0.1:8002'], labels: { deployment: 'spam', color: 'blue' } },
      { targets: ['127.0.0.1:8003'], labels: { deployment: 'spam', color: 'green' } },
    ]);
    expect(jobs['greenlight-router'].static_configs).toEqual([
      { targets: ['127.0.0.1:7071'], labels: { deployment: 'spam' } },
    ]);
    expect(jobs['greenlight-control-plane'].metrics_path).toBe('/metrics');
  });

  it('refuses a color label on a router target (its metrics carry their own)', () => {
    expect(() =>
      prometheusConfig({ targets: [{ kind: 'router', url: 'http://127.0.0.1:1', color: 'blue' }] }),
    ).toThrow(/color/);
  });

  it.skipIf(!promtoolPath())('passes `promtool check config` together with the generated rules', async () => {
    writeFileSync(join(dir, 'rules.yaml'), renderRules(DEFAULT_RULE_OPTIONS));
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, renderPrometheusConfig({ targets, ruleFiles: ['rules.yaml'] }));
    const result = await runPromtool(['check', 'config', file]);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('SUCCESS');
  });
});
