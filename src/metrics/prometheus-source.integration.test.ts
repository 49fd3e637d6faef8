import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminServer } from '../router/admin-server.js';
import type { Router } from '../router/router.js';
import type { LoadedModel, Prediction } from '../serving/prediction.js';
import type { ModelServer } from '../serving/server.js';
import { renderPrometheusConfig } from './prometheus-config.js';
import { type PrometheusServer, prometheusPath, startPrometheus } from './prometheus-server.js';
import { PrometheusSignalSource } from './prometheus-source.js';
import { DEFAULT_RULE_OPTIONS, renderRules } from './rules.js';

/**
 * A real Prometheus (Debian package) scraping two real model servers every second: blue answers
 * at once, green takes ~60 ms and fails on some inputs. The signal source must read those values
 * back, and the generated rules, evaluated by Prometheus itself, must fire on green.
 */
const hasPrometheus = prometheusPath() !== undefined;
if (!hasPrometheus)
  console.warn(
    '!! SKIPPING Prometheus integration tests: prometheus is not installed (apt-get install prometheus)',
  );

function fakeModel(delayMs: number, failOn?: string): LoadedModel {
  return {
    labels: ['ham', 'spam'],
    inputName: 'features',
    featureDim: 4,
    embeddedVersion: undefined,
    async predict(texts: string[]): Promise<Prediction[]> {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      if (failOn && texts.some((t) => t.includes(failOn))) throw new Error('model exploded');
      return texts.map((t) => ({
        label: t.includes('win') ? 'spam' : 'ham',
        score: t.includes('win') ? 0.95 : 0.7,
      }));
    },
    async release() {},
  };
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  attempts = 200,
  everyMs = 250,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!hasPrometheus)('PrometheusSignalSource against a real Prometheus', () => {
  let blue: ModelServer;
  let green: ModelServer;
  let prometheus: PrometheusServer | undefined;
  let router: Router | undefined;
  let admin: AdminServer | undefined;
  const sent = { blue: 0, green: 0, greenFailed: 0 };

  beforeAll(async () => {
    const { startModelServer } = await import('../serving/server.js');
    blue = await startModelServer({ version: 'v1', model: fakeModel(0), port: 0, warmup: 0 });
    green = await startModelServer({
      version: 'v2',
      model: fakeModel(60, 'boom'),
      port: 0,
      warmup: 0,
      maxQueueDelayMs: 0,
    });
    await Promise.all([blue.ready, green.ready]);
    const { createRouter } = await import('../router/router.js');
    const { startAdminServer } = await import('../router/admin-server.js');
    router = await createRouter({ blue: [blue.url], green: [green.url], port: 0 });
    admin = await startAdminServer(router, { port: 0, token: 'secret' });
    const rules = renderRules({
      ...DEFAULT_RULE_OPTIONS,
      deployment: 'spam',
      rateWindowSeconds: 15,
      baselineWindowSeconds: 60,
      latencyForSeconds: 0,
      errorForSeconds: 0,
      evaluationIntervalSeconds: 1,
    });
    prometheus = await startPrometheus({
      config: renderPrometheusConfig({
        scrapeIntervalSeconds: 1,
        evaluationIntervalSeconds: 1,
        ruleFiles: ['rules.yaml'],
        targets: [
          { kind: 'modelServer', url: blue.url, deployment: 'spam', color: 'blue' },
          { kind: 'modelServer', url: green.url, deployment: 'spam', color: 'green' },
          { kind: 'router', url: admin.url, deployment: 'spam' },
        ],
      }),
      files: { 'rules.yaml': rules },
    });
    // Counters must be scraped at zero before the traffic, or increase() has nothing to compare.
    const source = new PrometheusSignalSource({ url: prometheus.url });
    await until('the first scrape of both servers', async () => {
      const [b, g] = await Promise.all([source.read('spam', 'blue', 60), source.read('spam', 'green', 60)]);
      return b.readyReplicas === 1 && g.readyReplicas === 1 ? true : undefined;
    });
    // Traffic: sequential, so green's latency is its own and not queueing behind itself.
    const post = async (url: string, text: string) => {
      const res = await fetch(`${url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      await res.text();
      return res.status;
    };
    for (let i = 0; i < 40; i++) {
      await post(blue.url, i % 2 ? 'win money' : 'hello');
      sent.blue++;
      const status = await post(green.url, i % 10 === 0 ? 'boom' : i % 2 ? 'win money' : 'hello');
      sent.green++;
      if (status >= 500) sent.greenFailed++;
    }
  });

  afterAll(async () => {
    await prometheus?.close();
    await admin?.close();
    await router?.close(0);
    await Promise.all([blue?.close(), green?.close()]);
  });

  it('reads latency, counts, errors, replicas and score bins of each color', async () => {
    // Wait until a scrape after the last request has landed in both colors. A fresh source per
    // look: a source reports counts new since its previous read, and this asks for the window.
    const [g, b] = await until('both colors scraped after the traffic', async () => {
      const source = new PrometheusSignalSource({ url: prometheus!.url });
      const g = await source.read('spam', 'green', 60);
      const b = await source.read('spam', 'blue', 60);
      return (g.requests ?? 0) >= sent.green && (b.requests ?? 0) >= sent.blue ? [g, b] : undefined;
    });
    expect(sent.greenFailed).toBe(4);
    // increase() extrapolates to the window's edges; counts are close to what was sent.
    expect(g.requests).toBeLessThanOrEqual(sent.green * 2);
    expect(g.errors).toBeGreaterThanOrEqual(sent.greenFailed);
    expect(g.errorRatio).toBeGreaterThan(0.05);
    expect(b.errors).toBe(0);
    expect(b.errorRatio).toBe(0);
    // green sleeps 60 ms on every request: its P95 is above the 0.05 s bucket bound, and above
    // blue's (no sleep; no absolute bound on blue, CPU contention in CI varies)
    expect(g.p95LatencySeconds).toBeGreaterThan(0.05);
    expect(b.p95LatencySeconds).toBeGreaterThan(0);
    expect(b.p95LatencySeconds).toBeLessThan(g.p95LatencySeconds ?? 0);
    expect(g.readyReplicas).toBe(1);
    expect(b.readyReplicas).toBe(1);
    // ham answers score 0.7 (bin 7), spam 0.95 (bin 10)
    expect(b.scoreBins).toHaveLength(10);
    expect(b.scoreBins?.[6]).toBeGreaterThan(0);
    expect(b.scoreBins?.[9]).toBeGreaterThan(0);
    expect(b.scoreBins?.filter((n, i) => n > 0 && i !== 6 && i !== 9)).toEqual([]);
  });

  it('scrapes the router, whose own color label survives next to the deployment target label', async () => {
    const source = new PrometheusSignalSource({ url: prometheus!.url });
    const active = await until('the router scraped', async () => {
      const r = await source.query(
        'greenlight_router_active_color{job="greenlight-router",deployment="spam"} == 1',
      );
      return r.length ? r : undefined;
    });
    expect(active.map((s) => s.metric.color)).toEqual(['blue']);
  });

  it('returns no data for a deployment Prometheus has never seen', async () => {
    const source = new PrometheusSignalSource({ url: prometheus!.url });
    expect(await source.read('unknown', 'green', 60)).toEqual({
      p95LatencySeconds: null,
      requests: null,
      errors: null,
      errorRatio: null,
      readyReplicas: null,
      scoreBins: null,
    });
    expect(source.queryErrors).toBe(0);
  });

  it('Prometheus evaluates the generated rules and fires GreenLatencyRegression and GreenHighErrorRate', async () => {
    const firing = await until('alerts to fire', async () => {
      const res = await fetch(`${prometheus!.url}/api/v1/alerts`);
      const body = (await res.json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      const names = body.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
      return names.includes('GreenLatencyRegression') && names.includes('GreenHighErrorRate')
        ? body.data.alerts
        : undefined;
    });
    const latency = firing.find((a) => a.labels.alertname === 'GreenLatencyRegression');
    expect(latency?.labels).toMatchObject({ deployment: 'spam', color: 'green', severity: 'critical' });
    // blue is healthy and both replicas answer: no BothDeploymentsDown
    expect(firing.map((a) => a.labels.alertname)).not.toContain('BothDeploymentsDown');
  });
});
