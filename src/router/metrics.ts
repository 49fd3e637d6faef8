import { Counter, Gauge, Registry } from 'prom-client';
import type { Color } from '../spec/types.js';

/** Why a request failed, as the `kind` label of greenlight_router_errors_total. */
export type ErrorKind =
  | 'connect'
  | 'timeout'
  | 'bad_response'
  | 'upstream_reset'
  | 'client_abort'
  | 'bad_request'
  | 'too_large'
  | 'no_backend';

export type ShadowOutcome = 'sent' | 'dropped' | 'compared' | 'failed';

/** Live values read at scrape time, so the hot path never touches a gauge. */
export interface MetricsView {
  inFlight(color: Color): number;
  active(): Color;
  generation(): number;
  /** Request log lines written and dropped; null when the log is off. */
  requestLog(): { written: number; dropped: number } | null;
}

const COLORS: Color[] = ['blue', 'green'];
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HistogramData {
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
}

function newHistogram(): HistogramData {
  return { counts: new Float64Array(BUCKETS.length + 1), sum: 0 };
}

/** Prometheus histogram series (cumulative buckets, _sum, _count) in prom-client's value format. */
function histogramValues(name: string, color: Color, h: HistogramData) {
  const out: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
  let acc = 0;
  for (let i = 0; i <= BUCKETS.length; i++) {
    acc += h.counts[i];
    out.push({
      labels: { le: i < BUCKETS.length ? BUCKETS[i] : '+Inf', color },
      value: acc,
      metricName: `${name}_bucket`,
    });
  }
  out.push({ labels: { color }, value: h.sum, metricName: `${name}_sum` });
  out.push({ labels: { color }, value: acc, metricName: `${name}_count` });
  return out;
}

/**
 * The router's Prometheus metrics (names per docs/internals.md), in a registry of its own so two
 * routers in one process (tests) never collide. Children are cached: no label hashing per request.
 */
export class RouterMetrics {
  readonly registry = new Registry();
  private readonly errors: Counter<'color' | 'kind'>;
  private readonly shadowCounts: Record<ShadowOutcome, number> = {
    sent: 0,
    dropped: 0,
    compared: 0,
    failed: 0,
  };
  private readonly duration: Record<Color, HistogramData> = { blue: newHistogram(), green: newHistogram() };
  /** Per color, status code → count. Plain maps: prom-client's label hashing per request was measurable. */
  private readonly codes: Record<Color, Map<number, number>> = { blue: new Map(), green: new Map() };

  constructor(view: MetricsView) {
    const registers = [this.registry];
    const codes = this.codes;
    this.registry.registerMetric({
      name: 'greenlight_router_requests_total',
      help: 'Requests answered by the router, by color and HTTP status code.',
      type: 'counter',
      get: async () => ({
        name: 'greenlight_router_requests_total',
        help: 'Requests answered by the router, by color and HTTP status code.',
        type: 'counter',
        aggregator: 'sum',
        values: COLORS.flatMap((color) =>
          [...codes[color]].map(([code, value]) => ({ labels: { color, code: String(code) }, value })),
        ),
      }),
    } as never);
    const duration = this.duration;
    this.registry.registerMetric({
      name: 'greenlight_router_request_duration_seconds',
      help: 'Time from dispatch to the last byte of the response, by color.',
      type: 'histogram',
      get: async () => ({
        name: 'greenlight_router_request_duration_seconds',
        help: 'Time from dispatch to the last byte of the response, by color.',
        type: 'histogram',
        aggregator: 'sum',
        values: COLORS.flatMap((color) =>
          histogramValues('greenlight_router_request_duration_seconds', color, duration[color]),
        ),
      }),
    } as never);
    this.errors = new Counter({
      name: 'greenlight_router_errors_total',
      help: 'Failed requests by color and kind (connect, timeout, bad_response, upstream_reset, …).',
      labelNames: ['color', 'kind'],
      registers,
    });
    const shadowCounts = this.shadowCounts;
    new Counter({
      name: 'greenlight_router_shadow_total',
      help: 'Shadow copies by outcome: sent, dropped (over the concurrency bound, too large, abandoned), compared, failed.',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(shadowCounts)) this.inc({ outcome }, n);
      },
    });
    new Gauge({
      name: 'greenlight_router_in_flight',
      help: 'Requests in flight per color.',
      labelNames: ['color'],
      registers,
      collect() {
        for (const c of COLORS) this.set({ color: c }, view.inFlight(c));
      },
    });
    new Gauge({
      name: 'greenlight_router_active_color',
      help: '1 for the color receiving traffic, 0 for the other.',
      labelNames: ['color'],
      registers,
      collect() {
        for (const c of COLORS) this.set({ color: c }, view.active() === c ? 1 : 0);
      },
    });
    new Counter({
      name: 'greenlight_router_request_log_dropped_total',
      help: 'Request log lines dropped: the buffer was full (slow writer) or the write failed (full disk, no directory).',
      registers,
      collect() {
        this.reset();
        this.inc(view.requestLog()?.dropped ?? 0);
      },
    });
    new Counter({
      name: 'greenlight_router_request_log_written_total',
      help: 'Request log lines written.',
      registers,
      collect() {
        this.reset();
        this.inc(view.requestLog()?.written ?? 0);
      },
    });
    new Gauge({
      name: 'greenlight_router_generation',
      help: 'Switch generation: increments on every switch and rollback.',
      registers,
      collect() {
        this.set(view.generation());
      },
    });
  }

  request(color: Color, status: number, seconds: number): void {
    // ternaries, not [color]: a keyed load that sees both names goes megamorphic (per request)
    const codes = color === 'blue' ? this.codes.blue : this.codes.green;
    codes.set(status, (codes.get(status) ?? 0) + 1);
    const h = color === 'blue' ? this.duration.blue : this.duration.green;
    let b = 0;
    while (b < BUCKETS.length && seconds > BUCKETS[b]) b++;
    h.counts[b]++;
    h.sum += seconds;
  }

  /** `none`: refused before any color was chosen (malformed or oversized request). */
  error(color: Color | 'none', kind: ErrorKind): void {
    this.errors.inc({ color, kind });
  }

  shadow(outcome: ShadowOutcome): void {
    this.shadowCounts[outcome]++;
  }
}
