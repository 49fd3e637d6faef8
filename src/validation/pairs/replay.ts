import type { Protocol } from '../../protocols/protocol.js';
import { protocolFor } from '../../protocols/registry.js';
import { protocolDefaults } from '../../spec/server.js';
import type { OutputKind } from '../../spec/types.js';
import type { HttpClient } from '../http.js';
import type { CapturedResponse, ComparisonPair } from '../types.js';
import { captureCall } from './capture.js';
import { inputOf, type Sample } from './samples-file.js';

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
  /** How each side is spoken to (they may differ); default greenlight's /predict for both. */
  protocols?: { baseline: Protocol; candidate: Protocol };
  /** The output kind both sides' answers are decoded as (default label). */
  kind?: OutputKind;
}

/** Encode with the side's protocol, send, decode; an input it cannot encode is a failed call (checked up front by encodeSamples). */
function sendTo(opts: ReplayOptions, protocol: Protocol, url: string, s: Sample): Promise<CapturedResponse> {
  let req: ReturnType<Protocol['encode']>;
  try {
    req = protocol.encode(inputOf(s));
  } catch (err) {
    return Promise.resolve({ status: 0, body: { error: (err as Error).message }, latencyMs: 0 });
  }
  const kind = opts.kind ?? 'label';
  return captureCall(opts.client, url, req, (body) => protocol.decode(body, kind), opts.timeoutMs);
}

/**
 * Replay a samples file to both colors (the seed's ShadowValidator), yielding pairs in file order
 * (or in `order`) with at most `concurrency` samples in flight. The consumer pulls: when it stops (the SPRT
 * decided), no further sample is sent.
 */
export async function* replayPairs(opts: ReplayOptions): AsyncGenerator<ComparisonPair> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const greenlight = protocolFor(protocolDefaults('greenlight'));
  const { baseline: bp, candidate: cp } = opts.protocols ?? { baseline: greenlight, candidate: greenlight };
  const inFlight: Promise<ComparisonPair>[] = [];
  let next = 0;
  const order = opts.order;
  const total = order?.length ?? opts.samples.length;
  const start = (k: number): Promise<ComparisonPair> => {
    const i = order ? order[k] : k;
    const s = opts.samples[i];
    const b = opts.baseline[k % opts.baseline.length];
    const c = opts.candidate[k % opts.candidate.length];
    return Promise.all([sendTo(opts, bp, b, s), sendTo(opts, cp, c, s)]).then(([baseline, candidate]) => ({
      id: `sample-${i + 1}`,
      text: s.text,
      input: inputOf(s),
      slice: s.slice,
      expected: s.expected,
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
    // Let abandoned calls settle quietly; they never reject (captureCall captures failures).
    await Promise.allSettled(inFlight);
  }
}
