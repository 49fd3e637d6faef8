import type { Protocol } from '../../protocols/protocol.js';
import { protocolFor } from '../../protocols/registry.js';
import type { RouterControl, ShadowPair } from '../../router/types.js';
import { protocolDefaults } from '../../spec/server.js';
import type { OutputKind } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import type { ComparisonPair } from '../types.js';
import { parseBody, withPrediction } from './capture.js';
import { describeInput } from './samples-file.js';

/** How the two answers of a shadow pair are read: each side by its own protocol. */
export interface ShadowDecoding {
  protocols: { baseline: Protocol; candidate: Protocol };
  kind: OutputKind;
}

const greenlightDecoding = (): ShadowDecoding => {
  const p = protocolFor(protocolDefaults('greenlight'));
  return { protocols: { baseline: p, candidate: p }, kind: 'label' };
};

/** The `slice` a request body names, if any. */
function sliceOf(body: unknown): { slice?: string } {
  const slice = (body as { slice?: unknown } | null)?.slice;
  return typeof slice === 'string' && slice !== '' ? { slice } : {};
}

/** A user request the baseline's protocol would send as a prediction (same method and path, an input it can encode). */
function isPrediction(p: ShadowPair, protocol: Protocol, body: unknown): boolean {
  if (p.method !== protocol.method || p.path.split('?')[0] !== protocol.path) return false;
  try {
    protocol.encode(body);
    return true;
  } catch {
    return false;
  }
}

export interface ShadowSourceOptions {
  router: Pick<RouterControl, 'shadowPairs'>;
  clock: Clock;
  /** Only pairs with seq > since (default 0: everything the router still holds). */
  since?: number;
  /** Pairs fetched per poll. */
  batch?: number;
  /** Wait between polls when the router has nothing new. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Default: greenlight's /predict on both sides, label output. */
  decoding?: ShadowDecoding;
}

/**
 * Turn a router shadow pair into a comparison pair: the primary (user-facing) response is the
 * baseline, the shadow copy the candidate, each decoded by its side's protocol (the router copies
 * raw HTTP). Returns undefined for requests that are not the baseline protocol's prediction
 * request (health probes, metadata, batches): they carry nothing to compare. A request that names
 * its `slice` at the top of its body (as samples do: `{"text", "slice"}`) is counted in that
 * slice, so live traffic is judged per slice too.
 */
export function toComparisonPair(
  p: ShadowPair,
  decoding: ShadowDecoding = greenlightDecoding(),
): ComparisonPair | undefined {
  const req = parseBody(p.requestBody);
  // Not JSON (parseBody kept the text): no protocol here sends that.
  if (typeof req === 'string') return undefined;
  if (!isPrediction(p, decoding.protocols.baseline, req)) return undefined;
  const { baseline, candidate } = decoding.protocols;
  const decode = (protocol: Protocol) => (body: unknown) => protocol.decode(body, decoding.kind);
  return {
    id: `shadow-${p.seq}`,
    text: describeInput(req),
    input: req,
    ...sliceOf(req),
    baseline: withPrediction(
      {
        status: p.primary.status,
        body: parseBody(p.primary.body),
        latencyMs: p.primary.latencyMs,
        version: p.primary.version,
      },
      decode(baseline),
    ),
    candidate: p.shadow.error
      ? {
          status: 0,
          body: { error: p.shadow.error },
          latencyMs: p.shadow.latencyMs,
          version: p.shadow.version,
        }
      : withPrediction(
          {
            status: p.shadow.status,
            body: parseBody(p.shadow.body),
            latencyMs: p.shadow.latencyMs,
            version: p.shadow.version,
          },
          decode(candidate),
        ),
  };
}

/**
 * Live shadow pairs from the router, oldest first, polling until the consumer stops or the signal
 * aborts. The agreement gate's cap and timeout bound how long this runs.
 */
export async function* shadowPairs(opts: ShadowSourceOptions): AsyncGenerator<ComparisonPair> {
  let since = opts.since ?? 0;
  const batch = opts.batch ?? 100;
  const pollMs = opts.pollMs ?? 250;
  const decoding = opts.decoding ?? greenlightDecoding();
  while (!opts.signal?.aborted) {
    const { pairs, nextSeq } = await opts.router.shadowPairs(since, batch);
    since = Math.max(since, nextSeq);
    for (const p of pairs) {
      since = Math.max(since, p.seq);
      const pair = toComparisonPair(p, decoding);
      if (pair) yield pair;
    }
    if (pairs.length < batch) await opts.clock.sleep(pollMs, opts.signal);
  }
}
