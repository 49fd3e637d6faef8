import { GreenlightError } from '../../errors.js';
import type { ColorSignals, SignalSource } from '../../metrics/types.js';
import type { Platform } from '../../platform/types.js';
import type { Color } from '../../spec/types.js';
import {
  addBuckets,
  type Buckets,
  binsFromBuckets,
  histogramQuantile,
  subtractBuckets,
} from './histogram.js';
import { type PromSample, parsePromText } from './prom-text.js';

/** Fetch a /metrics page as text; throw on a non-2xx answer. */
export type FetchText = (url: string, signal: AbortSignal) => Promise<string>;

export interface MetricsSignalSourceOptions {
  /** The router's admin `/metrics` URL: per-color requests, status codes and latency (what users saw). */
  routerMetricsUrl?: string | (() => string | undefined);
  /** Base URLs of `color`'s model server replicas: their `/metrics` give score bins (and latency/errors without a router URL). */
  replicaUrls: (deployment: string, color: Color) => Promise<string[]>;
  /** Ready replicas of `color` now (e.g. the platform's status); omitted = no data. */
  readyReplicas?: (deployment: string, color: Color) => Promise<number>;
  fetchText?: FetchText;
  /** Attempts per scrape before giving up on it. Default 3. */
  attempts?: number;
  timeoutMs?: number;
}

/** Cumulative totals scraped from one /metrics page for one color. */
interface Totals {
  requests: number;
  errors: number;
  latency: Buckets;
  scores: Buckets;
}

const defaultFetchText: FetchText = async (url, signal) => {
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
};

const le = (s: PromSample) => (s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le));

function bucketsOf(samples: PromSample[], name: string, match: (s: PromSample) => boolean): Buckets {
  const b: Buckets = new Map();
  for (const s of samples) if (s.name === name && match(s)) b.set(le(s), (b.get(le(s)) ?? 0) + s.value);
  return b;
}

function sum(samples: PromSample[], name: string, match: (s: PromSample) => boolean): number {
  let total = 0;
  for (const s of samples) if (s.name === name && match(s)) total += s.value;
  return total;
}

/** The router's series for `color` (docs/internals.md): every answered exchange, 5xx as errors. */
function routerTotals(samples: PromSample[], color: Color): Totals {
  const mine = (s: PromSample) => s.labels.color === color;
  return {
    requests: sum(samples, 'greenlight_router_requests_total', mine),
    errors: sum(samples, 'greenlight_router_requests_total', (s) => mine(s) && Number(s.labels.code) >= 500),
    latency: bucketsOf(samples, 'greenlight_router_request_duration_seconds_bucket', mine),
    scores: new Map(),
  };
}

// Client mistakes (bad_request, too_large) are not the model's errors.
const SERVER_ERROR = (s: PromSample) =>
  s.labels.error_type !== 'bad_request' && s.labels.error_type !== 'too_large';

/** A model server's series (DESIGN.md contract), summed over versions, endpoints and labels. */
function serverTotals(samples: PromSample[]): Totals {
  const all = () => true;
  return {
    requests: sum(samples, 'model_server_requests_total', all),
    errors: sum(samples, 'model_server_errors_total', SERVER_ERROR),
    latency: bucketsOf(samples, 'model_server_latency_seconds_bucket', all),
    scores: bucketsOf(samples, 'model_server_prediction_score_bucket', all),
  };
}

function minus(cur: Totals, prev: Totals | undefined): Totals {
  // A counter that went down means the process restarted: its whole value is new.
  if (prev && (cur.requests < prev.requests || cur.errors < prev.errors)) prev = undefined;
  return {
    requests: cur.requests - (prev?.requests ?? 0),
    errors: cur.errors - (prev?.errors ?? 0),
    latency: subtractBuckets(cur.latency, prev?.latency),
    scores: subtractBuckets(cur.scores, prev?.scores),
  };
}

function plus(a: Totals, b: Totals): Totals {
  return {
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    latency: addBuckets(a.latency, b.latency),
    scores: addBuckets(a.scores, b.scores),
  };
}

function toSignals(traffic: Totals, servers: Totals, scraped: boolean, ready: number | null): ColorSignals {
  const bins = binsFromBuckets(servers.scores);
  return {
    p95LatencySeconds: traffic.requests > 0 ? histogramQuantile(0.95, traffic.latency) : null,
    errorRatio: traffic.requests > 0 ? traffic.errors / traffic.requests : null,
    requests: scraped ? traffic.requests : null,
    errors: scraped ? traffic.errors : null,
    readyReplicas: ready,
    scoreBins: bins?.some((b) => b > 0) ? bins : null,
  };
}

const EMPTY: Totals = { requests: 0, errors: 0, latency: new Map(), scores: new Map() };

/**
 * The in-process SignalSource: scrapes the router's and the model servers' /metrics and returns
 * what happened since the previous read of the same color (the first read covers everything since
 * the processes started). `windowSeconds` is therefore "since the last evaluation" here; the
 * Prometheus source honours it literally.
 */
export function createMetricsSignalSource(opts: MetricsSignalSourceOptions): SignalSource {
  const fetchText = opts.fetchText ?? defaultFetchText;
  const attempts = opts.attempts ?? 3;
  const timeoutMs = opts.timeoutMs ?? 2000;
  const previous = new Map<string, Totals>();

  async function scrape(url: string): Promise<PromSample[]> {
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        return parsePromText(await fetchText(url, AbortSignal.timeout(timeoutMs)));
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  // Delta since the last read of (deployment, color, source); the snapshot is kept per source so a
  // replica that fails one scrape is compared with its own last good scrape later.
  function delta(key: string, cur: Totals): Totals {
    const d = minus(cur, previous.get(key));
    previous.set(key, cur);
    return d;
  }

  // Sum of the replicas' deltas; a replica that does not answer is left out of this window.
  async function fromServers(deployment: string, color: Color) {
    let totals = EMPTY;
    let scraped = 0;
    let error: unknown;
    for (const base of await opts.replicaUrls(deployment, color)) {
      try {
        const t = serverTotals(await scrape(`${base.replace(/\/$/, '')}/metrics`));
        totals = plus(totals, delta(`${deployment}|${color}|${base}`, t));
        scraped++;
      } catch (err) {
        error = err;
      }
    }
    return { totals, scraped, error };
  }

  async function fromRouter(deployment: string, color: Color, url: string) {
    try {
      const t = delta(`${deployment}|${color}|router`, routerTotals(await scrape(url), color));
      return { totals: t, scraped: 1, error: undefined };
    } catch (err) {
      return { totals: undefined, scraped: 0, error: err };
    }
  }

  async function ready(deployment: string, color: Color): Promise<number | null> {
    if (!opts.readyReplicas) return null;
    try {
      return await opts.readyReplicas(deployment, color);
    } catch {
      return null;
    }
  }

  return {
    async read(deployment, color) {
      const routerUrl =
        typeof opts.routerMetricsUrl === 'function' ? opts.routerMetricsUrl() : opts.routerMetricsUrl;
      const servers = await fromServers(deployment, color);
      const router = routerUrl ? await fromRouter(deployment, color, routerUrl) : undefined;
      const scraped = servers.scraped + (router?.scraped ?? 0);
      const error = router?.error ?? servers.error;
      if (scraped === 0 && error !== undefined) {
        const msg = `no /metrics answered for ${deployment}/${color}`;
        throw new GreenlightError('GL_SIGNALS_UNAVAILABLE', msg, { cause: error });
      }
      // Users' traffic as the router saw it when it can be read; else the servers' own counters.
      return toSignals(
        router?.totals ?? servers.totals,
        servers.totals,
        scraped > 0,
        await ready(deployment, color),
      );
    },
  };
}

/**
 * The in-process source for a platform: replica URLs and readiness from `platform.status`, traffic
 * from the router's admin `/metrics` when its URL is known (`greenlight up` passes it).
 */
export function createPlatformSignalSource(
  platform: Pick<Platform, 'status'>,
  opts: Omit<MetricsSignalSourceOptions, 'replicaUrls' | 'readyReplicas'> = {},
): SignalSource {
  return createMetricsSignalSource({
    ...opts,
    replicaUrls: async (deployment, color) =>
      (await platform.status(deployment, color)).replicas.map((r) => r.url),
    readyReplicas: async (deployment, color) => (await platform.status(deployment, color)).readyReplicas,
  });
}
