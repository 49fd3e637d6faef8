import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../testing/cli.js';
import { dashboardExpressions, grafanaDashboard } from './dashboard.js';
import { knownSeries } from './names.js';
import { type PrometheusServer, prometheusPath, startPrometheus } from './prometheus-server.js';
import { metricNamesIn } from './promql-names.js';
import { DEFAULT_RULE_OPTIONS, renderRules } from './rules.js';

/**
 * The checked-in files under deploy/ are generated; they must equal what the code generates now.
 * `GREENLIGHT_UPDATE_DEPLOY=1 npx vitest run src/metrics/deploy-files.test.ts` rewrites them.
 */
const FILES: Record<string, () => string> = {
  'deploy/grafana/greenlight-dashboard.json': () => `${JSON.stringify(grafanaDashboard(), null, 2)}\n`,
  'deploy/prometheus/greenlight-rules.yaml': () => renderRules(DEFAULT_RULE_OPTIONS, 'prometheus'),
  'deploy/kubernetes/prometheusrule.yaml': () => renderRules(DEFAULT_RULE_OPTIONS, 'prometheusrule'),
};

/** Grafana variables replaced by values Prometheus accepts. */
function concrete(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$deployment', '.*');
}

describe('deploy/ files', () => {
  it.each(Object.keys(FILES))('%s is up to date with its generator', (file) => {
    const path = join(ROOT, file);
    const want = FILES[file]();
    if (process.env.GREENLIGHT_UPDATE_DEPLOY === '1') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, want);
    }
    expect(existsSync(path), `${file} is missing; regenerate with GREENLIGHT_UPDATE_DEPLOY=1`).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(want);
  });

  it('the dashboard parses and covers the seed metrics', () => {
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, 'deploy/grafana/greenlight-dashboard.json'), 'utf8'),
    );
    const exprs = dashboardExpressions(dashboard);
    expect(exprs.length).toBeGreaterThan(10);
    const used = new Set(exprs.flatMap((e) => metricNamesIn(concrete(e))));
    for (const seed of [
      'model_server_latency_seconds_bucket',
      'model_server_requests_total',
      'model_server_errors_total',
      'greenlight_router_requests_total',
      'greenlight_rollout_phase',
      'greenlight_active_info',
      'greenlight_gate_status',
      'greenlight_shadow_pairs_total',
    ]) {
      expect(used, seed).toContain(seed);
    }
    for (const q of ['0.5', '0.95', '0.99'])
      expect(exprs.some((e) => e.startsWith(`histogram_quantile(${q},`))).toBe(true);
  });

  it('every dashboard expression reads only metrics greenlight exports', () => {
    const known = knownSeries(['model-server', 'router', 'controller']);
    for (const expr of dashboardExpressions(grafanaDashboard())) {
      const names = metricNamesIn(concrete(expr));
      expect(names.length, expr).toBeGreaterThan(0);
      for (const n of names) expect(known, `${n} in ${expr}`).toContain(n);
    }
  });
});

describe.skipIf(!prometheusPath())('dashboard expressions against a real Prometheus', () => {
  let prometheus: PrometheusServer | undefined;
  beforeAll(async () => {
    prometheus = await startPrometheus({ config: 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' });
  });
  afterAll(async () => {
    await prometheus?.close();
  });

  it('Prometheus accepts every expression (an empty result is fine; a parse error is not)', async () => {
    const exprs = dashboardExpressions(grafanaDashboard());
    for (const expr of [...exprs, 'rate(']) {
      const res = await fetch(`${prometheus!.url}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: concrete(expr) }),
      });
      const body = (await res.json()) as { status: string; error?: string };
      // the last one is a deliberate syntax error: the check can fail
      if (expr === 'rate(') expect(body.status).toBe('error');
      else expect(body.status, `${expr}: ${body.error}`).toBe('success');
    }
  });
});
