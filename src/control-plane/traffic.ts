import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/** What users saw: counted per answering model version and color, failures with their reason. */
export interface TrafficStats {
  sent: number;
  ok: number;
  failed: number;
  byVersion: Record<string, number>;
  byColor: Record<string, number>;
  /** Up to 20 failures, newest last: status or error code. */
  failures: string[];
  /** Every failure counted by its status or error code. */
  byFailure: Record<string, number>;
}

/** One request as a user saw it: when it was sent, how long it took, how it ended. */
export interface RequestOutcome {
  /** performance.now() when it was sent. */
  sentAt: number;
  ms: number;
  /** 'ok', `HTTP <status>`, or the error code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...). */
  outcome: string;
}

export interface Traffic {
  stats(): TrafficStats;
  /** Stop sending and wait for requests in flight. */
  stop(): Promise<TrafficStats>;
}

export interface TrafficOptions {
  /** Router data-plane URL; requests go to `${url}${path}`. */
  url: string;
  /** greenlight's own protocol: each text is sent as {"text": …}. */
  texts: string[];
  /** Any other server: the JSON bodies to send instead of the texts, in turn. */
  bodies?: string[];
  /** Default /predict. */
  path?: string;
  /** Requests per second (spread evenly); default 20. */
  ratePerSecond?: number;
  /** Requests in flight at most; default 8. */
  maxInFlight?: number;
  timeoutMs?: number;
  /** Called with every request once it has ended (benchmarks keep them all). */
  onResult?: (r: RequestOutcome) => void;
}

/** Texts of a samples file (JSON lines with a `text` field). */
export function readSampleTexts(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => String((JSON.parse(l) as { text: unknown }).text));
}

/**
 * A steady stream of user requests through the router, as users would send them: it never retries,
 * so every failed request is one a user would have seen.
 */
export function startTraffic(opts: TrafficOptions): Traffic {
  const agent = new Agent({ connections: opts.maxInFlight ?? 8, keepAliveTimeout: 10_000 });
  const s: TrafficStats = {
    sent: 0,
    ok: 0,
    failed: 0,
    byVersion: {},
    byColor: {},
    failures: [],
    byFailure: {},
  };
  const maxInFlight = opts.maxInFlight ?? 8;
  const inFlight = new Set<Promise<void>>();
  let i = 0;
  let stopped = false;
  let stopping: Promise<TrafficStats> | undefined;
  /** Counts a failure; `why` is its status or error code, `detail` what the answer said. */
  const fail = (why: string, detail = '') => {
    s.failed++;
    s.failures.push(`${why}${detail}`);
    if (s.failures.length > 20) s.failures.shift();
    s.byFailure[why] = (s.byFailure[why] ?? 0) + 1;
    return why;
  };
  const bodies = opts.bodies ?? opts.texts.map((text) => JSON.stringify({ text }));
  const target = `${opts.url}${opts.path ?? '/predict'}`;
  async function attempt(body: string): Promise<string> {
    try {
      const res = await request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        dispatcher: agent,
        headersTimeout: opts.timeoutMs ?? 10_000,
        bodyTimeout: opts.timeoutMs ?? 10_000,
      });
      const answer = await res.body.text();
      if (res.statusCode !== 200) return fail(`HTTP ${res.statusCode}`, ` ${answer.slice(0, 80)}`);
      s.ok++;
      const version = String(res.headers['x-model-version'] ?? 'unknown');
      const color = String(res.headers['x-greenlight-color'] ?? 'unknown');
      s.byVersion[version] = (s.byVersion[version] ?? 0) + 1;
      s.byColor[color] = (s.byColor[color] ?? 0) + 1;
      return 'ok';
    } catch (err) {
      return fail((err as { code?: string }).code ?? (err as Error).message);
    }
  }
  async function one(body: string): Promise<void> {
    s.sent++;
    const sentAt = performance.now();
    const outcome = await attempt(body);
    opts.onResult?.({ sentAt, ms: performance.now() - sentAt, outcome });
  }
  const timer = setInterval(
    () => {
      if (stopped || inFlight.size >= maxInFlight || bodies.length === 0) return;
      const p = one(bodies[i++ % bodies.length]).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    Math.max(1, Math.round(1000 / (opts.ratePerSecond ?? 20))),
  );
  return {
    stats: () => structuredClone(s),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(timer);
        await Promise.all([...inFlight]);
        await agent.close();
        return structuredClone(s);
      })();
      return stopping;
    },
  };
}
