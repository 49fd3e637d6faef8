import type { HttpClient } from '../http.js';
import type { ComparisonPair } from '../types.js';
import { capturePredict } from './capture.js';
import type { Sample } from './samples-file.js';

export interface ReplayOptions {
  client: HttpClient;
  /** Replica base URLs of each color; requests go round-robin. */
  baseline: string[];
  candidate: string[];
  samples: readonly Sample[];
  /** Indices into `samples` in the order to send them (stratifiedOrder); default file order. */
  order?: readonly number[];
  /** Samples in flight at once (each sends one request to each color). */
  concurrency?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Replay a samples file to both colors (the seed's ShadowValidator), yielding pairs in file order
 * (or in `order`) with at most `concurrency` samples in flight. The consumer pulls: when it stops (the SPRT
 * decided), no further sample is sent.
 */
export async function* replayPairs(opts: ReplayOptions): AsyncGenerator<ComparisonPair> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const inFlight: Promise<ComparisonPair>[] = [];
  let next = 0;
  const order = opts.order;
  const total = order?.length ?? opts.samples.length;
  const start = (k: number): Promise<ComparisonPair> => {
    const i = order ? order[k] : k;
    const s = opts.samples[i];
    const b = opts.baseline[k % opts.baseline.length];
    const c = opts.candidate[k % opts.candidate.length];
    return Promise.all([
      capturePredict(opts.client, b, s.text, opts.timeoutMs),
      capturePredict(opts.client, c, s.text, opts.timeoutMs),
    ]).then(([baseline, candidate]) => ({
      id: `sample-${i + 1}`,
      text: s.text,
      slice: s.slice,
      expectedLabel: s.expectedLabel,
      baseline,
      candidate,
    }));
  };
  try {
    while (next < total || inFlight.length > 0) {
      while (inFlight.length < concurrency && next < total && !opts.signal?.aborted)
        inFlight.push(start(next++));
      const head = inFlight.shift();
      if (head === undefined) return;
      yield await head;
    }
  } finally {
    // Let abandoned calls settle quietly; they never reject (capturePredict captures failures).
    await Promise.allSettled(inFlight);
  }
}
