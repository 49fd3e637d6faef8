import { Counter, type Registry } from 'prom-client';
import { request } from 'undici';
import { GreenlightError } from '../errors.js';
import type { Color } from '../spec/types.js';
import { CLIENT_ERROR_TYPES, EXTERNAL, JOBS, MODEL_SERVER, SIGNALS } from './names.js';
import { duration, type Matchers, quantile, selector, summed } from './promql.js';
import type { ColorSignals, SignalSource } from './types.js';

export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server, e.g. http://127.0.0.1:9090 */
  url: string;
  /** Tries per query before giving up (default 3). */
  maxAttempts?: number;
  /** Delay before the n-th retry is n × this (default 200 ms). */
  retryDelayMs?: number;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Registry on which failed queries are counted (`greenlight_signal_query_errors_total`). */
  registry?: Registry;
  sleep?: (ms: number) => Promise<void>;
}

/** One sample of an instant-query vector, as the HTTP API returns it. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * The queries behind each signal (errorRatio is derived from errors and requests over the window),
 * plus the raw counter totals that `requests`, `errors` and `scoreBins` are differenced from.
 */
export type SignalQueries = Record<Exclude<keyof ColorSignals, 'errorRatio'>, string> & {
  requestsTotal: string;
  errorsTotal: string;
  scoreBinsTotal: string;
};

/** Counter totals at the previous read of one deployment/color. */
interface Totals {
  requests: number | null;
  errors: number | null;
  scoreBins: number[] | null;
}

/** A query that cannot succeed on retry (the server rejected it). */
class BadQuery extends Error {}

/**
 * Observation signals read from a Prometheus server's HTTP API (`/api/v1/query`), over the
 * model-server metrics of one color (selected by the `deployment` and `color` target labels the
 * generated scrape config sets). An empty result is "no data" (null), never a breach — Argo
 * Rollouts (#1466) and Flagger (#883) aborted healthy rollouts by treating it as a failure.
 * Failed queries are counted and retried; when retries run out `read` throws
 * GL_SIGNALS_UNAVAILABLE and the controller decides (it must not roll back on it).
 */
export class PrometheusSignalSource implements SignalSource {
  private readonly base: string;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly errorCounter?: Counter<'source'>;
  /** Failed query attempts since creation (also exported as a counter when a registry is given). */
  queryErrors = 0;
  /** Totals at the previous read, per deployment/color: counts are reported as new since then. */
  private readonly previous = new Map<string, Totals>();

  constructor(options: PrometheusSourceOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    if (options.registry) {
      const existing = options.registry.getSingleMetric(SIGNALS.queryErrors) as Counter<'source'> | undefined;
      this.errorCounter =
        existing ??
        new Counter({
          name: SIGNALS.queryErrors,
          help: 'Signal queries that failed (each attempt), by source',
          labelNames: ['source'],
          registers: [options.registry],
        });
      this.errorCounter.inc({ source: 'prometheus' }, 0);
    }
  }

  /** The PromQL this source runs for one color and window (exposed for docs and tests). */
  static queries(deployment: string, color: Color, windowSeconds: number): SignalQueries {
    const m: Matchers = { deployment, color };
    const w = duration(windowSeconds);
    const errorMatchers = { ...m, error_type: { notRe: CLIENT_ERROR_TYPES.join('|') } };
    return {
      requestsTotal: `sum(${selector(MODEL_SERVER.requests, m)})`,
      errorsTotal: `sum(${selector(MODEL_SERVER.errors, errorMatchers)})`,
      scoreBinsTotal: `sum by (le) (${selector(`${MODEL_SERVER.score}_bucket`, m)})`,
      p95LatencySeconds: quantile(0.95, MODEL_SERVER.latency, m, w),
      requests: summed('increase', MODEL_SERVER.requests, m, w),
      errors: summed(
        'increase',
        MODEL_SERVER.errors,
        { ...m, error_type: { notRe: CLIENT_ERROR_TYPES.join('|') } },
        w,
      ),
      // Alive replicas: model servers that answer their scrape.
      readyReplicas: `sum(${selector(EXTERNAL.up, { job: JOBS.modelServer, ...m })})`,
      scoreBins: summed('increase', `${MODEL_SERVER.score}_bucket`, m, w, ['le']),
    };
  }

  /**
   * Latency and error ratio are over `windowSeconds`; `requests`, `errors` and `scoreBins` are what
   * is new since this source's previous read of the same color (the first read: the window), so a
   * caller that adds them up across evaluations counts every request once, as with the in-process
   * source. Windowed increase() sums would overcount by window ÷ interval.
   */
  async read(deployment: string, color: Color, windowSeconds: number): Promise<ColorSignals> {
    const q = PrometheusSignalSource.queries(deployment, color, windowSeconds);
    const [p95, requests, errors, ready, bins, reqTotal, errTotal, binsTotal] = await Promise.all([
      this.query(q.p95LatencySeconds),
      this.query(q.requests),
      this.query(q.errors),
      this.query(q.readyReplicas),
      this.query(q.scoreBins),
      this.query(q.requestsTotal),
      this.query(q.errorsTotal),
      this.query(q.scoreBinsTotal),
    ]);
    const req = count(scalar(requests));
    const err = count(scalar(errors));
    const key = `${deployment}\u0000${color}`;
    const now: Totals = {
      requests: count(scalar(reqTotal)),
      errors: count(scalar(errTotal)),
      scoreBins: histogramBins(binsTotal, true),
    };
    const before = this.previous.get(key);
    this.previous.set(key, now);
    const windowBins = histogramBins(bins);
    return {
      p95LatencySeconds: scalar(p95),
      requests: before ? since(now.requests, before.requests) : req,
      errors: before ? since(now.errors, before.errors) : err,
      errorRatio: req !== null && req > 0 && err !== null ? err / req : null,
      readyReplicas: scalar(ready),
      scoreBins: before ? binsSince(now.scoreBins, before.scoreBins) : windowBins,
    };
  }

  /** Run one instant query with retries; returns the vector's samples. */
  async query(promql: string): Promise<Sample[]> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        return await this.once(promql);
      } catch (err) {
        lastError = err;
        this.queryErrors++;
        this.errorCounter?.inc({ source: 'prometheus' });
        if (err instanceof BadQuery) break;
        if (attempt < this.maxAttempts) await this.sleep(this.retryDelayMs * attempt);
      }
    }
    throw new GreenlightError(
      'GL_SIGNALS_UNAVAILABLE',
      `Prometheus at ${this.base} did not answer ${JSON.stringify(promql)}: ${(lastError as Error)?.message ?? lastError}`,
      { cause: lastError },
    );
  }

  private async once(promql: string): Promise<Sample[]> {
    const res = await request(`${this.base}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: promql }).toString(),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    const text = await res.body.text();
    let body: {
      status?: string;
      error?: string;
      errorType?: string;
      data?: { resultType?: string; result?: unknown };
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${res.statusCode}, not JSON: ${text.slice(0, 120)}`);
    }
    if (body.status !== 'success') {
      const why = `HTTP ${res.statusCode} ${body.errorType ?? 'error'}: ${body.error ?? text.slice(0, 120)}`;
      // bad_data = the query itself is wrong; asking again cannot help.
      if (res.statusCode === 400 || body.errorType === 'bad_data') throw new BadQuery(why);
      throw new Error(why);
    }
    const data = body.data ?? {};
    if (data.resultType === 'scalar' && Array.isArray(data.result)) {
      return [{ metric: {}, value: data.result as [number, string] }];
    }
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) {
      throw new BadQuery(`unexpected result type ${String(data.resultType)}`);
    }
    return data.result as Sample[];
  }
}

/** The single value of a vector; null when empty or NaN (no observations). */
function scalar(samples: Sample[]): number | null {
  if (samples.length === 0) return null;
  const v = Number(samples[0].value[1]);
  return Number.isNaN(v) ? null : v;
}

/** increase() extrapolates (99.7 for 100 requests); counts are whole. */
function count(v: number | null): number | null {
  return v === null ? null : Math.max(0, Math.round(v));
}

/** Growth of a counter total; a smaller total means the servers restarted (a counter reset). */
function since(now: number | null, before: number | null): number | null {
  if (now === null) return null;
  if (before === null || now < before) return now;
  return now - before;
}

function binsSince(now: number[] | null, before: number[] | null): number[] | null {
  if (!now) return null;
  if (!before || before.length !== now.length || now.some((n, i) => n < before[i])) return now;
  const bins = now.map((n, i) => n - before[i]);
  return bins.some((n) => n > 0) ? bins : null;
}

/**
 * Cumulative `le` buckets → counts per bin (finite bounds only; scores never exceed 1).
 * `keepEmpty` keeps an all-zero result (a total to difference from) instead of "no data".
 */
function histogramBins(samples: Sample[], keepEmpty = false): number[] | null {
  const finite = samples
    .map((s) => ({ le: Number(s.metric.le), n: Number(s.value[1]) }))
    .filter((b) => Number.isFinite(b.le) && !Number.isNaN(b.n))
    .sort((a, b) => a.le - b.le);
  if (finite.length === 0) return null;
  let previous = 0;
  const bins = finite.map((b) => {
    const bin = Math.max(0, Math.round(b.n - previous));
    previous = b.n;
    return bin;
  });
  // No prediction in the window is no data, not a distribution of zeros.
  return keepEmpty || bins.some((n) => n > 0) ? bins : null;
}
