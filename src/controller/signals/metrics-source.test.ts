import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsSignalSource, type FetchText } from './metrics-source.js';

/** A router and two model server replicas exposing the real metric names with prom-client. */
function world() {
  const router = new Registry();
  const requests = new Counter({
    name: 'greenlight_router_requests_total',
    help: 'h',
    labelNames: ['color', 'code'],
    registers: [router],
  });
  const duration = new Histogram({
    name: 'greenlight_router_request_duration_seconds',
    help: 'h',
    labelNames: ['color'],
    buckets: [0.005, 0.01, 0.05, 0.1, 0.2],
    registers: [router],
  });
  const replicas = [0, 1].map(() => {
    const reg = new Registry();
    return {
      reg,
      requests: new Counter({
        name: 'model_server_requests_total',
        help: 'h',
        labelNames: ['version', 'endpoint'],
        registers: [reg],
      }),
      errors: new Counter({
        name: 'model_server_errors_total',
        help: 'h',
        labelNames: ['version', 'error_type'],
        registers: [reg],
      }),
      score: new Histogram({
        name: 'model_server_prediction_score',
        help: 'h',
        labelNames: ['version', 'label'],
        buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
        registers: [reg],
      }),
    };
  });
  const down = new Set<string>();
  const scrapes: string[] = [];
  const fetchText: FetchText = async (url) => {
    scrapes.push(url);
    if (down.has(url)) throw new Error('connection refused');
    if (url === 'http://router/metrics') return router.metrics();
    const i = Number(url.match(/r(\d)/)![1]);
    return replicas[i].reg.metrics();
  };
  const source = createMetricsSignalSource({
    routerMetricsUrl: 'http://router/metrics',
    replicaUrls: async () => ['http://r0', 'http://r1/'],
    readyReplicas: async () => 2,
    fetchText,
    attempts: 2,
  });
  return { requests, duration, replicas, source, down, scrapes };
}

describe('in-process metrics signal source', () => {
  it('reports window deltas: P95 and error ratio from the router, score bins from the servers', async () => {
    const w = world();
    for (let i = 0; i < 100; i++) {
      w.requests.inc({ color: 'green', code: '200' });
      w.duration.observe({ color: 'green' }, 0.003);
    }
    w.requests.inc({ color: 'blue', code: '500' }, 50); // another color's errors do not count
    w.replicas[0].score.observe({ version: 'v2', label: 'spam' }, 0.95);
    w.replicas[1].score.observe({ version: 'v2', label: 'ham' }, 0.55);
    const first = await w.source.read('spam', 'green', 30);
    expect(first).toMatchObject({ requests: 100, errors: 0, errorRatio: 0, readyReplicas: 2 });
    expect(first.p95LatencySeconds).toBeLessThanOrEqual(0.005);
    expect(first.scoreBins).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);

    // the next window: slow, with 5% errors
    for (let i = 0; i < 95; i++) {
      w.requests.inc({ color: 'green', code: '200' });
      w.duration.observe({ color: 'green' }, 0.15);
    }
    w.requests.inc({ color: 'green', code: '502' }, 5);
    w.replicas[0].score.observe({ version: 'v2', label: 'spam' }, 0.15);
    const second = await w.source.read('spam', 'green', 30);
    expect(second).toMatchObject({ requests: 100, errors: 5, errorRatio: 0.05 });
    expect(second.p95LatencySeconds).toBeGreaterThan(0.1);
    expect(second.p95LatencySeconds).toBeLessThanOrEqual(0.2);
    expect(second.scoreBins).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

    // nothing happened since: no data, not zero latency
    const third = await w.source.read('spam', 'green', 30);
    expect(third).toMatchObject({ requests: 0, errorRatio: null, p95LatencySeconds: null, scoreBins: null });
  });

  it('a replica that fails a scrape is skipped; when nothing answers it throws GL_SIGNALS_UNAVAILABLE', async () => {
    const w = world();
    w.replicas[1].score.observe({ version: 'v2', label: 'ham' }, 0.55);
    w.down.add('http://r1/metrics');
    const s = await w.source.read('spam', 'green', 30);
    expect(s.scoreBins).toBeNull();
    w.down.delete('http://r1/metrics');
    expect((await w.source.read('spam', 'green', 30)).scoreBins).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    for (const u of ['http://r0/metrics', 'http://r1/metrics', 'http://router/metrics']) w.down.add(u);
    const before = w.scrapes.length;
    await expect(w.source.read('spam', 'green', 30)).rejects.toMatchObject({
      code: 'GL_SIGNALS_UNAVAILABLE',
    });
    expect(w.scrapes.length - before).toBe(6); // 2 attempts × 3 pages
  });

  it('without a router it uses the servers’ own counters; client errors are not model errors', async () => {
    const reg = new Registry();
    const req = new Counter({
      name: 'model_server_requests_total',
      help: 'h',
      labelNames: ['version'],
      registers: [reg],
    });
    const err = new Counter({
      name: 'model_server_errors_total',
      help: 'h',
      labelNames: ['version', 'error_type'],
      registers: [reg],
    });
    req.inc({ version: 'v2' }, 200);
    err.inc({ version: 'v2', error_type: 'bad_request' }, 50);
    err.inc({ version: 'v2', error_type: 'inference' }, 2);
    const source = createMetricsSignalSource({
      replicaUrls: async () => ['http://r0'],
      fetchText: async () => reg.metrics(),
    });
    expect(await source.read('spam', 'green', 30)).toMatchObject({
      requests: 200,
      errors: 2,
      errorRatio: 0.01,
      readyReplicas: null,
    });
    // a restarted server's counters start again from zero: the new values are the window
    reg.resetMetrics();
    req.inc({ version: 'v2' }, 10);
    expect(await source.read('spam', 'green', 30)).toMatchObject({ requests: 10, errors: 0 });
  });
});

describe('platform signal source', () => {
  it('scrapes the replicas the platform reports and takes readiness from it', async () => {
    const { createFakePlatform } = await import('../../platform/fake/fake-platform.js');
    const { createPlatformSignalSource } = await import('./metrics-source.js');
    const platform = createFakePlatform();
    const state = await platform.deploy('spam', 'green', {
      deploymentName: 'g',
      replicas: 2,
      modelVersion: 'v2',
      enabled: true,
    });
    platform.setReady('spam', 'green', 1);
    const reg = new Registry();
    new Counter({ name: 'model_server_requests_total', help: 'h', registers: [reg] }).inc(4);
    const urls: string[] = [];
    const source = createPlatformSignalSource(platform, {
      fetchText: async (url) => {
        urls.push(url);
        return reg.metrics();
      },
    });
    expect(await source.read('spam', 'green', 30)).toMatchObject({ requests: 8, readyReplicas: 1 });
    expect(urls).toEqual(state.replicas.map((r) => `${r.url}/metrics`));
  });
});
