import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import { PrometheusSignalSource } from './prometheus-source.js';

type Reply = { status: number; body: unknown };

/** A tiny server speaking the Prometheus query API; `answer` decides per query. */
let answer: (query: string) => Reply = () => vector([]);
const seen: string[] = [];
let server: Server;
let url: string;

function vector(result: { metric?: Record<string, string>; value: string }[]): Reply {
  return {
    status: 200,
    body: {
      status: 'success',
      data: {
        resultType: 'vector',
        result: result.map((r) => ({ metric: r.metric ?? {}, value: [1700000000, r.value] })),
      },
    },
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      const query = new URLSearchParams(body).get('query') ?? '';
      seen.push(`${req.method} ${req.url} ${query}`);
      const reply = answer(query);
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
});

const noSleep = { sleep: async () => {} };

describe('PrometheusSignalSource', () => {
  it('reads P95, counts, error ratio, alive replicas and score bins for one color', async () => {
    answer = (q) => {
      if (q.startsWith('histogram_quantile')) return vector([{ value: '0.042' }]);
      if (q.includes('model_server_requests_total')) return vector([{ value: '199.6' }]);
      if (q.includes('model_server_errors_total')) return vector([{ value: '4.2' }]);
      if (q.includes('up{')) return vector([{ value: '2' }]);
      if (q.includes('model_server_prediction_score_bucket')) {
        return vector([
          { metric: { le: '+Inf' }, value: '10' },
          { metric: { le: '0.5' }, value: '3' },
          { metric: { le: '1' }, value: '10' },
        ]);
      }
      return vector([]);
    };
    const source = new PrometheusSignalSource({ url, ...noSleep });
    const s = await source.read('spam', 'green', 120);
    expect(s).toEqual({
      p95LatencySeconds: 0.042,
      requests: 200,
      errors: 4,
      errorRatio: 4 / 200,
      readyReplicas: 2,
      scoreBins: [3, 7],
    });
    expect(seen).toHaveLength(8);
    for (const line of seen) {
      expect(line).toMatch(/^POST \/api\/v1\/query /);
      expect(line).toContain('deployment="spam"');
      expect(line).toContain('color="green"');
    }
    expect(seen.join('\n')).toContain('[2m]');
    expect(source.queryErrors).toBe(0);
  });

  it('treats empty results and NaN as no data, not as a failure', async () => {
    answer = (q) => (q.startsWith('histogram_quantile') ? vector([{ value: 'NaN' }]) : vector([]));
    const source = new PrometheusSignalSource({ url, ...noSleep });
    expect(await source.read('spam', 'blue', 60)).toEqual({
      p95LatencySeconds: null,
      requests: null,
      errors: null,
      errorRatio: null,
      readyReplicas: null,
      scoreBins: null,
    });
    expect(source.queryErrors).toBe(0);
  });

  it('no requests in the window gives no error ratio rather than 0 or NaN', async () => {
    answer = (q) =>
      q.includes('requests_total') || q.includes('errors_total') ? vector([{ value: '0' }]) : vector([]);
    const s = await new PrometheusSignalSource({ url, ...noSleep }).read('spam', 'green', 60);
    expect(s.requests).toBe(0);
    expect(s.errorRatio).toBeNull();
  });

  it('retries transient errors, counting each failed attempt', async () => {
    const failures = new Map<string, number>();
    answer = (q) => {
      const n = failures.get(q) ?? 0;
      if (q.includes('increase(') && q.includes('requests_total') && n < 2) {
        failures.set(q, n + 1);
        return { status: 503, body: { status: 'error', errorType: 'unavailable', error: 'busy' } };
      }
      return q.includes('requests_total') ? vector([{ value: '10' }]) : vector([]);
    };
    const registry = new Registry();
    const delays: number[] = [];
    const source = new PrometheusSignalSource({
      url,
      registry,
      retryDelayMs: 10,
      sleep: async (ms) => void delays.push(ms),
    });
    const s = await source.read('spam', 'green', 60);
    expect(s.requests).toBe(10);
    expect(source.queryErrors).toBe(2);
    expect(delays).toEqual([10, 20]);
    expect(await registry.metrics()).toContain('greenlight_signal_query_errors_total{source="prometheus"} 2');
  });

  it('reports counts new since the previous read, so adding them up across evaluations counts each once', async () => {
    let requestsTotal = 100;
    let errorsTotal = 1;
    answer = (q) => {
      // Windowed increase() over 30 s would say 100 every time: summing that overcounts.
      if (q.startsWith('sum (increase(') && q.includes('requests_total')) return vector([{ value: '100' }]);
      if (q.startsWith('sum (increase(') && q.includes('errors_total')) return vector([{ value: '1' }]);
      if (q.startsWith('sum(model_server_requests_total')) return vector([{ value: String(requestsTotal) }]);
      if (q.startsWith('sum(model_server_errors_total')) return vector([{ value: String(errorsTotal) }]);
      return vector([]);
    };
    const source = new PrometheusSignalSource({ url, ...noSleep });
    const first = await source.read('spam', 'green', 30);
    expect([first.requests, first.errors]).toEqual([100, 1]);
    requestsTotal = 130;
    errorsTotal = 3;
    const second = await source.read('spam', 'green', 30);
    expect([second.requests, second.errors]).toEqual([30, 2]);
    expect(second.errorRatio).toBe(0.01); // the ratio stays over the window
    requestsTotal = 5; // the servers restarted: a counter reset
    errorsTotal = 0;
    const third = await source.read('spam', 'green', 30);
    expect([third.requests, third.errors]).toEqual([5, 0]);
  });

  it('throws GL_SIGNALS_UNAVAILABLE when retries run out', async () => {
    answer = () => ({ status: 500, body: 'internal error' });
    const source = new PrometheusSignalSource({ url, maxAttempts: 3, ...noSleep });
    const err = await source.query('up').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GreenlightError);
    expect((err as GreenlightError).code).toBe('GL_SIGNALS_UNAVAILABLE');
    expect(seen).toHaveLength(3);
    expect(source.queryErrors).toBe(3);
  });

  it('does not retry a query the server rejects as bad', async () => {
    answer = () => ({ status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error' } });
    const source = new PrometheusSignalSource({ url, maxAttempts: 5, ...noSleep });
    await expect(source.query('rate(')).rejects.toMatchObject({ code: 'GL_SIGNALS_UNAVAILABLE' });
    expect(seen).toHaveLength(1);
  });

  it('reports an unreachable server as GL_SIGNALS_UNAVAILABLE', async () => {
    const source = new PrometheusSignalSource({ url: 'http://127.0.0.1:1', maxAttempts: 2, ...noSleep });
    await expect(source.read('spam', 'green', 60)).rejects.toMatchObject({ code: 'GL_SIGNALS_UNAVAILABLE' });
    expect(source.queryErrors).toBeGreaterThanOrEqual(2);
  });

  it('shares one error counter between sources on a registry', () => {
    const registry = new Registry();
    new PrometheusSignalSource({ url, registry });
    expect(() => new PrometheusSignalSource({ url, registry })).not.toThrow();
  });
});
