import type { Color } from '../spec/types.js';

/**
 * What observation rules read about one color over a recent window. `null` means "no data"
 * (no requests yet, empty Prometheus result) — never treated as a breach (Argo #1466, Flagger #883).
 */
export interface ColorSignals {
  /** P95 of request latency in seconds over the window. */
  p95LatencySeconds: number | null;
  /** errors / requests over the window. */
  errorRatio: number | null;
  /**
   * Requests and server errors NEW SINCE THE PREVIOUS READ of this color by the same source (the
   * first read: over the window), so that the controller can add them up across evaluations.
   */
  requests: number | null;
  errors: number | null;
  /** Replicas answering /ready now. */
  readyReplicas: number | null;
  /** Counts of prediction scores in equal-width bins over [0,1], new since the previous read, or null. */
  scoreBins: number[] | null;
}

/**
 * Where observation reads signals: in-process (router + model server /metrics) or a Prometheus
 * server (src/metrics/prometheus-source.ts). Implementations count and retry their own errors and
 * throw GreenlightError GL_SIGNALS_UNAVAILABLE only when retries are exhausted.
 */
export interface SignalSource {
  read(deployment: string, color: Color, windowSeconds: number): Promise<ColorSignals>;
}
