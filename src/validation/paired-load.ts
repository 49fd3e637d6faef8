import type { Histogram } from 'hdr-histogram-js';
import type { EncodedRequest } from '../protocols/protocol.js';
import type { Clock } from './clock.js';
import type { Role } from './gates/latency.js';
import type { HttpClient } from './http.js';
import { sendLoadRequest, textCalls } from './load.js';

export interface PairedLoadOptions {
  client: HttpClient;
  urls: Record<Role, string[]>;
  /**
   * Each color's requests (encoded by its protocol), in order, cycling; the i-th of both is the
   * same sample, so a pair asks both colors the same thing...
   */
  calls?: Record<Role, readonly EncodedRequest[]>;
  /** ...or texts for greenlight's `POST /predict {"text"}` on both. */
  texts?: readonly string[];
  /** Workers; each sends one request to each color in turn, so `concurrency` requests are in flight. */
  concurrency: number;
  durationMs: number;
  histograms: Record<Role, Histogram>;
  /** Which color each worker's first request goes to alternates per worker and per pair. */
  clock: Clock;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface PairedLoadResult {
  requests: Record<Role, number>;
  errors: Record<Role, number>;
  errorSamples: Record<Role, string[]>;
  elapsedMs: number;
}

/**
 * Closed-loop load on both colors at once, interleaved request by request: each worker sends a
 * sample to one color, waits, sends the same sample to the other, and flips which goes first every
 * pair. Both colors thereby see the same machine from millisecond to millisecond — a CPU hog, a
 * neighbour's test run, live traffic on the baseline — where phases of one color after the other
 * (the seed's design) see whatever the machine did in that second: on a loaded 2-core host the
 * per-phase P95 of one model varied 1–196 ms, and identical models' ratios by ±80%.
 */
export async function runPairedLoad(opts: PairedLoadOptions): Promise<PairedLoadResult> {
  const started = opts.clock.now();
  const deadline = started + opts.durationMs;
  const requests = { baseline: 0, candidate: 0 };
  const errors = { baseline: 0, candidate: 0 };
  const samples = { baseline: new Set<string>(), candidate: new Set<string>() };
  const calls = opts.calls ?? both(textCalls(opts.texts ?? []));
  const n = Math.min(calls.baseline.length, calls.candidate.length);
  if (n === 0) throw new Error('no requests to send');
  let next = 0;
  const one = async (role: Role, i: number) => {
    const urls = opts.urls[role];
    requests[role]++;
    const r = await sendLoadRequest(opts.client, urls[i % urls.length], calls[role][i % n], opts.timeoutMs);
    if (r.error === undefined) opts.histograms[role].recordValue(r.us);
    else {
      errors[role]++;
      if (samples[role].size < 5) samples[role].add(r.error);
    }
  };
  const worker = async (w: number) => {
    for (let k = w; opts.clock.now() < deadline && !opts.signal?.aborted; k++) {
      const i = next++;
      const [first, second]: Role[] = k % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline'];
      await one(first, i);
      await one(second, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, (_, w) => worker(w)));
  return {
    requests,
    errors,
    errorSamples: { baseline: [...samples.baseline], candidate: [...samples.candidate] },
    elapsedMs: opts.clock.now() - started,
  };
}

const both = (calls: readonly EncodedRequest[]): Record<Role, readonly EncodedRequest[]> => ({
  baseline: calls,
  candidate: calls,
});
