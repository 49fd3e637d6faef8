import { type PromSample, parsePromText } from '../controller/signals/prom-text.js';
import { COLORS, type Color } from '../spec/types.js';

/** One color's traffic over one sampling interval. Null: no request in the interval. */
export interface ColorTraffic {
  rps: number;
  /** Share of answers that were 5xx (the router's own 502/504 included). */
  errorRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface TrafficPoint {
  /** End of the interval, ms since epoch. */
  t: number;
  colors: Record<Color, ColorTraffic>;
}

/** Where a deployment's router metrics come from (today one router serves the deployment). */
export interface TrafficSource {
  deployment: string;
  /** The router's Prometheus text (`GET /metrics` on its admin port needs no token). */
  metrics: () => Promise<string>;
}

export interface TrafficSamplerOptions {
  sources: () => TrafficSource[];
  intervalMs?: number;
  /** Points kept per deployment (default 300: ten minutes at 2 s). */
  maxPoints?: number;
  now?: () => number;
}

export interface TrafficSampler {
  series(deployment: string): TrafficPoint[];
  /** Scrape every source once and append a point per deployment (the timer calls this). */
  sampleOnce(): Promise<void>;
  /** Called with each new point; returns the unsubscribe function. */
  subscribe(fn: (deployment: string, point: TrafficPoint) => void): () => void;
  stop(): void;
  intervalMs: number;
}

/** Cumulative counters of one scrape, per color. */
interface Totals {
  requests: number;
  errors: number;
  /** Histogram buckets: upper bound in seconds → cumulative count. */
  buckets: [number, number][];
}

const REQUESTS = 'greenlight_router_requests_total';
const BUCKETS = 'greenlight_router_request_duration_seconds_bucket';

function totals(samples: PromSample[]): Record<Color, Totals> {
  const out = {} as Record<Color, Totals>;
  for (const c of COLORS) out[c] = { requests: 0, errors: 0, buckets: [] };
  for (const s of samples) {
    const t = out[s.labels.color as Color];
    if (!t) continue;
    if (s.name === REQUESTS) {
      t.requests += s.value;
      if (Number(s.labels.code) >= 500) t.errors += s.value;
    } else if (s.name === BUCKETS) {
      t.buckets.push([s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le), s.value]);
    }
  }
  for (const c of COLORS) out[c].buckets.sort((a, b) => a[0] - b[0]);
  return out;
}

/**
 * The q-quantile of the requests between two scrapes, from the difference of their cumulative
 * buckets, interpolated linearly inside the bucket (what PromQL's histogram_quantile does).
 */
export function quantileMs(before: [number, number][], after: [number, number][], q: number): number | null {
  const prev = new Map(before);
  const delta = after.map(([le, n]) => [le, n - (prev.get(le) ?? 0)] as [number, number]);
  const total = delta.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerLe = 0;
  let lowerN = 0;
  for (const [le, n] of delta) {
    if (n >= rank) {
      if (!Number.isFinite(le)) return lowerLe * 1000;
      const inBucket = n - lowerN;
      const frac = inBucket > 0 ? (rank - lowerN) / inBucket : 1;
      return Math.round((lowerLe + (le - lowerLe) * frac) * 1e6) / 1e3;
    }
    lowerLe = le;
    lowerN = n;
  }
  return null;
}

function point(t: number, dtMs: number, a: Record<Color, Totals>, b: Record<Color, Totals>): TrafficPoint {
  const colors = {} as Record<Color, ColorTraffic>;
  for (const c of COLORS) {
    // A restarted router starts its counters at zero: a negative difference means "since then".
    const reqs = b[c].requests >= a[c].requests ? b[c].requests - a[c].requests : b[c].requests;
    const errs = Math.max(0, b[c].errors - (b[c].requests >= a[c].requests ? a[c].errors : 0));
    const before = b[c].requests >= a[c].requests ? a[c].buckets : [];
    colors[c] = {
      rps: Math.round((reqs / (dtMs / 1000)) * 100) / 100,
      errorRate: reqs > 0 ? Math.round((errs / reqs) * 1e4) / 1e4 : null,
      p50Ms: quantileMs(before, b[c].buckets, 0.5),
      p95Ms: quantileMs(before, b[c].buckets, 0.95),
      p99Ms: quantileMs(before, b[c].buckets, 0.99),
    };
  }
  return { t, colors };
}

/**
 * Per-deployment req/s, error rate and latency quantiles per color, from the router metrics the
 * control plane can already read, kept in memory for the dashboard's chart (nothing is stored:
 * after a restart the chart starts empty). Read-only: it never changes what serves users.
 */
export function createTrafficSampler(opts: TrafficSamplerOptions): TrafficSampler {
  const intervalMs = opts.intervalMs ?? 2000;
  const maxPoints = opts.maxPoints ?? 300;
  const now = opts.now ?? Date.now;
  const last = new Map<string, { t: number; totals: Record<Color, Totals> }>();
  const series = new Map<string, TrafficPoint[]>();
  const subscribers = new Set<(d: string, p: TrafficPoint) => void>();
  let running: Promise<void> | undefined;

  async function sampleSource(src: TrafficSource): Promise<void> {
    let text: string;
    try {
      text = await src.metrics();
    } catch {
      return; // router down or restarting: a gap in the chart, not an error page
    }
    const t = now();
    const cur = totals(parsePromText(text));
    const prev = last.get(src.deployment);
    last.set(src.deployment, { t, totals: cur });
    if (!prev || t <= prev.t) return;
    const p = point(t, t - prev.t, prev.totals, cur);
    const list = series.get(src.deployment) ?? [];
    list.push(p);
    if (list.length > maxPoints) list.splice(0, list.length - maxPoints);
    series.set(src.deployment, list);
    for (const fn of subscribers) fn(src.deployment, p);
  }

  const sampleOnce = () => {
    // One scrape at a time: a slow router must not pile up requests.
    running ??= Promise.all(opts.sources().map(sampleSource)).then(
      () => {
        running = undefined;
      },
      () => {
        running = undefined;
      },
    );
    return running;
  };
  const timer = setInterval(() => void sampleOnce(), intervalMs);
  timer.unref();
  return {
    intervalMs,
    series: (d) => series.get(d) ?? [],
    sampleOnce,
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    stop: () => clearInterval(timer),
  };
}
