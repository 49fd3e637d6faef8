import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from '../metrics/process-metrics.js';

/** Inference endpoints, the values of the `endpoint` label. */
export type InferenceEndpoint = 'predict' | 'infer';

/** Why a request failed, the values of the `error_type` label. */
export type ErrorType = 'bad_request' | 'too_large' | 'inference' | 'internal';
const ERROR_TYPES: ErrorType[] = ['bad_request', 'too_large', 'inference', 'internal'];

/**
 * The seed's latency buckets (0.01 … 2 s) plus finer ones below 10 ms, where a small model on
 * one core actually answers; without them every request falls in the first bucket.
 */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2];
/** Ten equal bins over [0, 1]: the confidence-shift rule compares these between colors. */
export const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * What the request path records. Counts it only increments are plain numbers copied into the
 * prom-client metrics at scrape time (`collect`): a labelled `inc()` hashes its labels on every
 * call, and this runs for every request.
 */
export interface ServerMetrics {
  registry: Registry;
  /** An inference request arrived (requests_total + active_requests). */
  begin(endpoint: InferenceEndpoint): void;
  /** It was answered, whatever the outcome. */
  end(): void;
  latency(seconds: number): void;
  error(type: ErrorType): void;
  score(label: string, score: number): void;
  batch(size: number): void;
}

/**
 * The model server's metrics in a registry of its own (never prom-client's global one, so two
 * servers in one process do not collide): the seed's four with their exact names, the score
 * histogram, batch sizes, and prom-client's process metrics (the resources gate reads
 * `process_resident_memory_bytes` and `process_cpu_seconds_total`).
 */
export function createServerMetrics(version: string): ServerMetrics {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const registers = [registry];
  const received: Record<InferenceEndpoint, number> = { predict: 0, infer: 0 };
  let inFlight = 0;
  new Counter({
    name: 'model_server_requests_total',
    help: 'Inference requests received',
    labelNames: ['version', 'endpoint'],
    registers,
    collect() {
      this.reset();
      for (const endpoint of ['predict', 'infer'] as const)
        this.inc({ version, endpoint }, received[endpoint]);
    },
  });
  const latency = new Histogram({
    name: 'model_server_latency_seconds',
    help: 'Latency of successful inference requests, from request to response',
    labelNames: ['version'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const errors = new Counter({
    name: 'model_server_errors_total',
    help: 'Inference requests that failed, by cause',
    labelNames: ['version', 'error_type'],
    registers,
  });
  new Gauge({
    name: 'model_server_active_requests',
    help: 'Inference requests being processed now',
    labelNames: ['version'],
    registers,
    collect() {
      this.set({ version }, inFlight);
    },
  });
  const scores = new Histogram({
    name: 'model_server_prediction_score',
    help: 'Probability of the returned label, per label (confidence distribution)',
    labelNames: ['version', 'label'],
    buckets: SCORE_BUCKETS,
    registers,
  });
  const batches = new Histogram({
    name: 'model_server_batch_size',
    help: 'Texts per ONNX Runtime call (dynamic batching); the count is the number of calls',
    labelNames: ['version'],
    buckets: BATCH_BUCKETS,
    registers,
  });
  // Zero-valued series from the start, so rate() and absence checks work before the first error.
  for (const type of ERROR_TYPES) errors.labels({ version, error_type: type }).inc(0);
  const latencyChild = latency.labels({ version });
  const batchChild = batches.labels({ version });
  const scoreChildren = new Map<string, Histogram.Internal<string>>();
  return {
    registry,
    begin(endpoint) {
      received[endpoint]++;
      inFlight++;
    },
    end() {
      inFlight--;
    },
    latency: (seconds) => latencyChild.observe(seconds),
    error: (type) => errors.labels({ version, error_type: type }).inc(),
    score(label, score) {
      let child = scoreChildren.get(label);
      if (!child) {
        child = scores.labels({ version, label });
        scoreChildren.set(label, child);
      }
      child.observe(score);
    },
    batch: (size) => batchChild.observe(size),
  };
}
