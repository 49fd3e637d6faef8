import type { RouterControl, ShadowPair } from '../../router/types.js';
import type { Clock } from '../clock.js';
import type { ComparisonPair } from '../types.js';
import { parseBody } from './capture.js';

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
}

/**
 * Turn a router shadow pair into a comparison pair: the primary (user-facing) response is the
 * baseline, the shadow copy the candidate. Returns undefined for requests without a `text` body
 * (health probes, OIP calls): they carry nothing to compare. A request that names its `slice`
 * (as samples do: `{"text", "slice"}`) is counted in that slice, so live traffic is judged per
 * slice too.
 */
export function toComparisonPair(p: ShadowPair): ComparisonPair | undefined {
  const req = parseBody(p.requestBody) as { text?: unknown; slice?: unknown } | string;
  if (typeof req !== 'object' || req === null || typeof req.text !== 'string') return undefined;
  return {
    id: `shadow-${p.seq}`,
    text: req.text,
    ...(typeof req.slice === 'string' && req.slice !== '' ? { slice: req.slice } : {}),
    baseline: {
      status: p.primary.status,
      body: parseBody(p.primary.body),
      latencyMs: p.primary.latencyMs,
      version: p.primary.version,
    },
    candidate: p.shadow.error
      ? {
          status: 0,
          body: { error: p.shadow.error },
          latencyMs: p.shadow.latencyMs,
          version: p.shadow.version,
        }
      : {
          status: p.shadow.status,
          body: parseBody(p.shadow.body),
          latencyMs: p.shadow.latencyMs,
          version: p.shadow.version,
        },
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
  while (!opts.signal?.aborted) {
    const { pairs, nextSeq } = await opts.router.shadowPairs(since, batch);
    since = Math.max(since, nextSeq);
    for (const p of pairs) {
      since = Math.max(since, p.seq);
      const pair = toComparisonPair(p);
      if (pair) yield pair;
    }
    if (pairs.length < batch) await opts.clock.sleep(pollMs, opts.signal);
  }
}
