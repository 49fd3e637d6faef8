import * as hdr from 'hdr-histogram-js';
import type { EncodedRequest } from '../protocols/protocol.js';
import type { Clock } from './clock.js';
import { describeNetworkError, type HttpClient, joinUrl } from './http.js';

export interface LoadPhaseResult {
  requests: number;
  errors: number;
  /** First few distinct error descriptions. */
  errorSamples: string[];
  elapsedMs: number;
}

/** Latencies in microseconds (HDR histogram, 3 significant digits, 1 µs to 60 s). */
export function createLatencyHistogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export interface LoadPhaseOptions {
  client: HttpClient;
  urls: string[];
  /** The requests to send, in order, cycling (each encoded by the color's protocol)... */
  calls?: readonly EncodedRequest[];
  /** ...or texts for greenlight's `POST /predict {"text"}`. */
  texts?: readonly string[];
  concurrency: number;
  /** Stop starting requests after this long... */
  durationMs?: number;
  /** ...or after this many requests (warm-up), whichever is given. */
  requests?: number;
  /** Where latencies go; undefined = not recorded (warm-up). */
  histogram?: hdr.Histogram;
  clock: Clock;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Closed-loop load: `concurrency` workers each send a prediction request, wait for the answer, send the
 * next, until the phase ends. Only 2xx answers are recorded in the histogram; failures are counted.
 */
export async function runLoadPhase(opts: LoadPhaseOptions): Promise<LoadPhaseResult> {
  const started = opts.clock.now();
  const deadline = opts.durationMs === undefined ? Number.POSITIVE_INFINITY : started + opts.durationMs;
  const budget = opts.requests ?? Number.POSITIVE_INFINITY;
  let issued = 0;
  let errors = 0;
  const errorSamples = new Set<string>();
  const calls: readonly EncodedRequest[] =
    opts.calls ?? (opts.texts ?? []).map((text) => ({ method: 'POST', path: '/predict', body: { text } }));
  if (calls.length === 0) throw new Error('no requests to send');
  const worker = async () => {
    while (issued < budget && opts.clock.now() < deadline && !opts.signal?.aborted) {
      const i = issued++;
      const call = calls[i % calls.length];
      const url = joinUrl(opts.urls[i % opts.urls.length], call.path);
      const t0 = performance.now();
      try {
        const r = await opts.client.request(call.method, url, call.body, opts.timeoutMs ?? 10_000);
        const us = Math.max(1, Math.round((performance.now() - t0) * 1000));
        if (r.status >= 200 && r.status < 300) opts.histogram?.recordValue(us);
        else {
          errors++;
          if (errorSamples.size < 5) errorSamples.add(`HTTP ${r.status}`);
        }
      } catch (err) {
        errors++;
        if (errorSamples.size < 5) errorSamples.add(describeNetworkError(err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return { requests: issued, errors, errorSamples: [...errorSamples], elapsedMs: opts.clock.now() - started };
}
