import net from 'node:net';
import type { RequestHead } from '../http/head.js';
import type { Color } from '../spec/types.js';
import { ClientConnection } from './client-connection.js';
import { ColorPool } from './color-pool.js';
import type { DataPlane, DataPlaneLimits } from './data-plane.js';
import { RouterError } from './errors.js';
import { checkAll, type HealthCheckOptions } from './health-check.js';
import { RouterMetrics } from './metrics.js';
import { PairRing } from './pair-ring.js';
import { RequestLog } from './request-log.js';
import { FileSink, type LogSink } from './request-log-sink.js';
import { Shadow, type ShadowLimits } from './shadow.js';
import { StickySessions, sessionIdOf } from './sticky-sessions.js';
import { SwitchState } from './switch-state.js';
import { TrafficPolicy } from './traffic-policy.js';
import type { RouterControl, RouterState, ShadowConfig, ShadowPair, SwitchResult } from './types.js';
import { validateHealthPath, validateShadow, validateUrls, validateWeights } from './validate.js';

export interface RouterOptions {
  blue: string[];
  green: string[];
  /** Data-plane port (0 = any free port) and host (default 127.0.0.1). */
  port?: number;
  host?: string;
  /** Color active at start (default blue) and the generation to continue from (default 0). */
  active?: Color;
  generation?: number;
  healthCheck?: Partial<HealthCheckOptions>;
  /** Per-color health check paths over `healthCheck.path` (each slot's server has its own readiness path). */
  healthPaths?: Partial<Record<Color, string>>;
  limits?: Partial<DataPlaneLimits>;
  /** `bufferSize` pairs (default 10,000) and `bufferBytes` bytes (default 32 MiB) at most are kept. */
  shadow?: Partial<ShadowLimits> & { bufferSize?: number; bufferBytes?: number; config?: ShadowConfig };
  /** Sticky sessions: pin lifetime in ms; 0 (default) = off. */
  stickyTtlMs?: number;
  maxSessions?: number;
  /** Idle keep-alive connections kept per backend. */
  maxIdlePerBackend?: number;
  /** A pooled upstream connection idle longer than this is closed, not reused (default 4000; see Backend). */
  upstreamIdleMs?: number;
  /** A backend is taken out after this many consecutive 5xx responses. */
  maxFailures?: number;
  /** One JSON line per (sampled) request, written off the data path; absent = off. */
  requestLog?: RequestLogConfig;
  /** Injected for tests: wall clock and the random source for weights and sampling. */
  deps?: { now?: () => number; random?: () => number };
}

export interface RequestLogConfig {
  path: string;
  /** Fraction of requests logged, 0..1 (default 1). */
  sampleRate?: number;
  /** Rotate at this size (default 64 MiB), keeping `keep` rotated files (default 5). */
  maxBytes?: number;
  keep?: number;
  /** Injected for tests and benches: where batches go instead of the file. */
  sink?: LogSink;
  flushMs?: number;
  capacity?: number;
}

/** The in-process router: data plane plus the RouterControl the admin API and the controller drive. */
export interface Router extends RouterControl {
  readonly port: number;
  readonly url: string;
  readonly metrics: RouterMetrics;
  /** The shared-memory switch state (the admin thread commits switches to it directly). */
  readonly switchState: SwitchState;
  /** In-process subscription to shadow pairs; returns the unsubscribe function. */
  onShadowPair(cb: (pair: ShadowPair) => void): () => void;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then close everything. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_LIMITS: DataPlaneLimits = {
  maxBodyBytes: 10 * 1024 * 1024,
  maxHeadBytes: 16 * 1024,
  upstreamTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 60_000,
};

/** The shadow ring's bytes: as configured, and always room for a few pairs of the largest kind. */
function shadowRingBytes(o: RouterOptions['shadow']): number {
  const maxBody = o?.maxBodyBytes ?? 64 * 1024;
  return Math.max(o?.bufferBytes ?? 32 * 1024 * 1024, 4 * (3 * maxBody + 65_536));
}

function openRequestLog(c: RequestLogConfig, random: () => number): RequestLog {
  const sampleRate = c.sampleRate ?? 1;
  if (!(sampleRate >= 0 && sampleRate <= 1))
    throw new RouterError(
      'GL_ROUTER_BAD_REQUEST',
      `request log sampleRate: expected 0..1, found ${sampleRate}`,
    );
  const sink =
    c.sink ?? new FileSink({ path: c.path, maxBytes: c.maxBytes ?? 64 * 1024 * 1024, keep: c.keep ?? 5 });
  return new RequestLog(c.path, sink, { sampleRate, random, flushMs: c.flushMs, capacity: c.capacity });
}

/**
 * Start a router listening on `opts.port`. The returned object is the in-process RouterControl;
 * serve it over HTTP with `startAdminServer`.
 */
export async function createRouter(opts: RouterOptions): Promise<Router> {
  const now = opts.deps?.now ?? Date.now;
  const random = opts.deps?.random ?? Math.random;
  const limits: DataPlaneLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const health: HealthCheckOptions = {
    intervalMs: 1000,
    path: '/ready',
    timeoutMs: 1000,
    ...opts.healthCheck,
  };
  const healthPaths: Record<Color, string> = {
    blue: validateHealthPath(opts.healthPaths?.blue ?? health.path),
    green: validateHealthPath(opts.healthPaths?.green ?? health.path),
  };
  const checkColor = (c: Color, backends = pools[c].backends) =>
    checkAll(backends, { ...health, path: healthPaths[c] }, now);
  const backendOptions = {
    maxIdle: opts.maxIdlePerBackend ?? 256,
    maxIdleMs: opts.upstreamIdleMs,
    maxFailures: opts.maxFailures ?? 3,
    retryAfterMs: health.intervalMs > 0 ? 0 : 5000,
    // published at once: the admin thread must never fast-path a switch to a color just found down
    onHealthChange: () => refreshServable(),
  };
  const pools: Record<Color, ColorPool> = {
    blue: new ColorPool('blue', backendOptions),
    green: new ColorPool('green', backendOptions),
  };
  pools.blue.setUrls(validateUrls(opts.blue, 'blue'));
  pools.green.setUrls(validateUrls(opts.green, 'green'));
  const sticky = opts.stickyTtlMs ? new StickySessions(opts.stickyTtlMs, opts.maxSessions ?? 100_000) : null;
  const switchState = new SwitchState();
  switchState.init(opts.active ?? 'blue', opts.generation ?? 0, now());
  const policy = new TrafficPolicy(switchState, random, sticky);
  /**
   * Publish which colors have a proven-healthy backend, for the admin thread's fast switch path: on
   * every health change of a backend, after checks and backend changes, and on the tick.
   */
  function refreshServable(): void {
    switchState.setServable('blue', pools.blue.hasProvenHealthy());
    switchState.setServable('green', pools.green.hasProvenHealthy());
  }
  const requestLog = opts.requestLog ? openRequestLog(opts.requestLog, random) : null;
  const metrics = new RouterMetrics({
    inFlight: (c) => pools[c].inFlight,
    active: () => policy.active,
    generation: () => policy.generation,
    requestLog: () => requestLog,
  });
  const shadow = new Shadow(
    { maxConcurrent: 64, timeoutMs: 5000, maxBodyBytes: 64 * 1024, ...opts.shadow },
    new PairRing(opts.shadow?.bufferSize ?? 10_000, shadowRingBytes(opts.shadow)),
    metrics,
    random,
  );
  if (opts.shadow?.config) shadow.config = validateShadow(opts.shadow.config);

  const usable = (c: Color) => pools[c].hasHealthy(now());
  const clock = { now: Date.now() };
  const plane: DataPlane = {
    clock,
    limits,
    metrics,
    shadow,
    requestLog,
    route: (head: RequestHead) =>
      sticky ? policy.choose(sessionIdOf(head), now(), usable) : policy.choose(undefined, 0, usable),
    // a ternary, not pools[c]: a keyed load that sees both names goes megamorphic (hot path)
    pool: (c) => (c === 'blue' ? pools.blue : pools.green),
    generation: () => policy.lastGeneration,
  };

  const connections = new Set<ClientConnection>();
  // clients read through onread into one shared buffer (see client-socket.ts), hence pauseOnConnect
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => {
    connections.add(new ClientConnection(socket, readBuffer, plane, (c) => connections.delete(c)));
  });
  // one timer drives the coarse clock and every connection's timeouts
  const tickMs = Math.max(
    10,
    Math.min(100, Math.floor(Math.min(limits.upstreamTimeoutMs, limits.headersTimeoutMs) / 4)),
  );
  const ticker = setInterval(() => {
    const t = Date.now();
    clock.now = t;
    for (const c of connections) c.tick(t);
    refreshServable();
  }, tickMs);
  ticker.unref();

  let checking = false;
  const runChecks = async () => {
    if (checking) return;
    checking = true;
    try {
      await Promise.all([checkColor('blue'), checkColor('green')]);
      refreshServable();
    } finally {
      checking = false;
    }
  };
  const checker = health.intervalMs > 0 ? setInterval(() => void runChecks(), health.intervalMs) : null;
  checker?.unref();
  if (checker) void runChecks();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  /** Refuse a switch that would black out traffic (argo-rollouts #4750): probe when unsure. */
  const ensureServable = async (to: Color) => {
    const pool = pools[to];
    if (pool.backends.length === 0) {
      throw new RouterError('GL_ROUTER_UNHEALTHY_TARGET', `cannot switch to ${to}: it has no backends`);
    }
    if (pool.hasProvenHealthy()) return;
    await checkColor(to);
    refreshServable();
    if (!pool.hasProvenHealthy()) {
      throw new RouterError('GL_ROUTER_UNHEALTHY_TARGET', `cannot switch to ${to}: no healthy backend`);
    }
  };

  const doSwitch = async (to: Color, isRollback: boolean): Promise<SwitchResult> => {
    await ensureServable(to);
    return policy.switchTo(to, now(), isRollback);
  };

  const router: Router = {
    port: address.port,
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    metrics,
    switchState,
    async state(): Promise<RouterState> {
      const t = now();
      const colorState = (c: Color) => ({
        backends: pools[c].backends.map((b) => ({
          url: b.url,
          healthy: b.available(t),
          inFlight: b.inFlight,
        })),
        inFlight: pools[c].inFlight,
        requests: pools[c].requests,
        errors: pools[c].errors,
      });
      return {
        active: policy.active,
        generation: policy.generation,
        switchedAt: policy.switchedAt,
        weights: policy.weights ? { ...policy.weights } : null,
        shadow: { ...shadow.config },
        requestLog: requestLog?.state() ?? null,
        colors: { blue: colorState('blue'), green: colorState('green') },
      };
    },
    switchTo(to) {
      if (to !== 'blue' && to !== 'green') {
        return Promise.reject(
          new RouterError('GL_ROUTER_BAD_REQUEST', `switch target must be blue or green`),
        );
      }
      return doSwitch(to, false);
    },
    rollback() {
      return doSwitch(policy.previous, true);
    },
    async setBackends(color, urls, healthPath) {
      if (color !== 'blue' && color !== 'green')
        throw new RouterError('GL_ROUTER_BAD_REQUEST', 'color must be blue or green');
      const valid = validateUrls(urls, color);
      if (healthPath !== undefined) healthPaths[color] = validateHealthPath(healthPath);
      if (color === policy.active && valid.length === 0) {
        throw new RouterError(
          'GL_ROUTER_UNHEALTHY_TARGET',
          `cannot remove every backend of the active color ${color}`,
        );
      }
      pools[color].setUrls(valid);
      refreshServable();
      if (health.intervalMs > 0) void checkColor(color).then(refreshServable);
    },
    async setShadow(config) {
      shadow.config = validateShadow(config);
    },
    async setWeights(weights) {
      policy.weights = validateWeights(weights);
    },
    async shadowPairs(since, limit) {
      return shadow.pairs(since, limit);
    },
    waitIdle(color, deadlineMs) {
      // accepts a duration or an absolute epoch-ms deadline (anything past year 2001 is a date)
      const timeout = deadlineMs > 1e12 ? deadlineMs - now() : deadlineMs;
      return pools[color].waitIdle(timeout);
    },
    onShadowPair(cb) {
      return shadow.subscribe(cb);
    },
    async close(graceMs = 5000) {
      clearInterval(ticker);
      if (checker) clearInterval(checker);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.closeWhenIdle();
      await Promise.all([pools.blue.waitIdle(graceMs), pools.green.waitIdle(graceMs)]);
      for (const c of connections) c.destroy();
      pools.blue.close();
      pools.green.close();
      await requestLog?.close();
      await closed;
    },
  };
  return router;
}
