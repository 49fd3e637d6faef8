import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../router/admin-server.js';
import type { Router } from '../router/router.js';
import type { LoadedModel } from '../serving/prediction.js';
import type { ModelServer } from '../serving/server.js';
import { createControllerMetrics } from './controller-metrics.js';
import { METRICS, type MetricSource, seriesNames } from './names.js';
import { lintMetrics, promtoolPath } from './promtool.js';

/**
 * Everything greenlight emits, checked two ways: `promtool check metrics` lints each exporter's
 * real /metrics output, and the names each exporter emits must be exactly the ones names.ts
 * lists for it (the rules, the signal source and the dashboard are built from that list).
 */
const hasPromtool = promtoolPath() !== undefined;
if (!hasPromtool)
  console.warn(
    '!! SKIPPING `promtool check metrics`: promtool is not installed (apt-get install prometheus)',
  );

/** prom-client's default process/runtime metrics, exported by the model server on purpose. */
const DEFAULT_PREFIXES = ['process_', 'nodejs_'];

const model: LoadedModel = {
  labels: ['ham', 'spam'],
  inputName: 'features',
  featureDim: 4,
  embeddedVersion: undefined,
  predict: async (texts) => texts.map(() => ({ label: 'spam', score: 0.9 })),
  release: async () => {},
};

function emittedNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .filter((l) => l.startsWith('# TYPE '))
      .map((l) => l.split(' ')[2]),
  );
}

function listed(source: MetricSource): Set<string> {
  return new Set(METRICS.filter((m) => m.source === source).map((m) => m.name));
}

function compare(source: MetricSource, text: string): { missing: string[]; unlisted: string[] } {
  const emitted = emittedNames(text);
  const expected = listed(source);
  const isDefault = (n: string) => DEFAULT_PREFIXES.some((p) => n.startsWith(p));
  return {
    missing: [...expected].filter((n) => !emitted.has(n)),
    unlisted: [...emitted].filter((n) => !expected.has(n) && !isDefault(n)),
  };
}

describe('metrics greenlight emits', () => {
  let server: ModelServer | undefined;
  let router: Router | undefined;
  let admin: AdminServer | undefined;
  let serverText = '';
  let routerText = '';

  beforeAll(async () => {
    const { startModelServer } = await import('../serving/server.js');
    const { createRouter } = await import('../router/router.js');
    const { startAdminServer } = await import('../router/admin-server.js');
    server = await startModelServer({ version: 'v1', model, port: 0, warmup: 0 });
    await server.ready;
    router = await createRouter({ blue: [server.url], green: [server.url], port: 0 });
    admin = await startAdminServer(router, { port: 0, token: 'secret' });
    for (const target of [server.url, router.url]) {
      const res = await fetch(`${target}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'win money' }),
      });
      await res.text();
    }
    serverText = await (await fetch(`${server.url}/metrics`)).text();
    // The admin API's /metrics needs no token (DESIGN.md): Prometheus scrapes it as is.
    const res = await fetch(`${admin.url}/metrics`);
    expect(res.status).toBe(200);
    routerText = await res.text();
  });

  afterAll(async () => {
    await admin?.close();
    await router?.close(0);
    await server?.close();
  });

  it('the model server exports exactly the model-server names in names.ts', () => {
    expect(serverText).toContain('model_server_requests_total{version="v1",endpoint="predict"}');
    expect(compare('model-server', serverText)).toEqual({ missing: [], unlisted: [] });
  });

  it('the router exports exactly the router names in names.ts', () => {
    expect(routerText).toContain('greenlight_router_requests_total{color="blue",code="200"}');
    expect(compare('router', routerText)).toEqual({ missing: [], unlisted: [] });
  });

  it('the controller metrics export exactly the controller names in names.ts', async () => {
    const registry = new Registry();
    const m = createControllerMetrics(registry);
    m.setPhase('spam', 'Observing');
    m.setActive('spam', 'green', 'v2');
    m.switched('spam', 'auto');
    m.rolledBack('spam', 'errorRate');
    m.gateResult('spam', 'latency', 'passed', { p95Ms: 3 });
    m.phaseSeconds('spam', 'Validating', 12);
    m.auditWritten();
    m.shadowCompared('spam', true);
    expect(compare('controller', await registry.metrics())).toEqual({ missing: [], unlisted: [] });
  });

  it('every histogram in names.ts is a histogram in the exposition', () => {
    const text = `${serverText}\n${routerText}`;
    for (const m of METRICS.filter(
      (x) => x.type === 'histogram' && (x.source === 'model-server' || x.source === 'router'),
    )) {
      expect(text, m.name).toContain(`# TYPE ${m.name} histogram`);
      expect(seriesNames(m).every((s) => text.includes(s))).toBe(true);
    }
  });

  it.skipIf(!hasPromtool)('the model server /metrics passes `promtool check metrics`', async () => {
    const result = await lintMetrics(serverText);
    expect(result.problems, result.output).toEqual([]);
  });

  it.skipIf(!hasPromtool)('the router /metrics passes `promtool check metrics`', async () => {
    const result = await lintMetrics(routerText);
    expect(result.problems, result.output).toEqual([]);
  });

  it.skipIf(!hasPromtool)(
    'promtool check metrics does flag a badly named metric (the lint can fail)',
    async () => {
      const result = await lintMetrics('# HELP requests Requests\n# TYPE requests counter\nrequests 1\n');
      expect(result.ok).toBe(false);
      expect(result.problems.join('\n')).toMatch(/_total/);
    },
  );
});
