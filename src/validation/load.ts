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
  const calls = opts.calls ?? textCalls(opts.texts ?? []);
  if (calls.length === 0) throw new Error('no requests to send');
  const worker = async () => {
    while (issued < budget && opts.clock.now() < deadline && !opts.signal?.aborted) {
      const i = issued++;
      const r = await sendLoadRequest(
        opts.client,
        opts.urls[i % opts.urls.length],
        calls[i % calls.length],
        opts.timeoutMs,
      );
      if (r.error === undefined) opts.histogram?.recordValue(r.us);
      else {
        errors++;
        if (errorSamples.size < 5) errorSamples.add(r.error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  return { requests: issued, errors, errorSamples: [...errorSamples], elapsedMs: opts.clock.now() - started };
}

/** Texts as greenlight's own `POST /predict {"text"}` requests. */
export function textCalls(texts: readonly string[]): EncodedRequest[] {
  return texts.map((text) => ({ method: 'POST', path: '/predict', body: { text } }));
}

/** One load request: its latency in µs when it succeeded (2xx), else why it failed. */
export async function sendLoadRequest(
  client: HttpClient,
  baseUrl: string,
  call: EncodedRequest,
  timeoutMs = 10_000,
): Promise<{ us: number; error?: string }> {
  const t0 = performance.now();
  try {
    const r = await client.request(call.method, joinUrl(baseUrl, call.path), call.body, timeoutMs);
    const us = Math.max(1, Math.round((performance.now() - t0) * 1000));
    return r.status >= 200 && r.status < 300 ? { us } : { us, error: `HTTP ${r.status}` };
  } catch (err) {
    return { us: 0, error: describeNetworkError(err) };
  }
}
