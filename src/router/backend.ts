import { UpstreamConn } from './upstream-conn.js';

/** Health as the router sees it: `unknown` until a check or a request has told it otherwise. */
export type BackendHealth = 'unknown' | 'up' | 'down';

export interface BackendOptions {
  /** Idle keep-alive connections kept per backend. */
  maxIdle: number;
  /** Consecutive 5xx responses that take a backend out (a connect failure takes it out at once). */
  maxFailures: number;
  /** Without active health checks, a failed backend is tried again after this long. */
  retryAfterMs: number;
  /** Called when the backend becomes proven healthy or stops being so (rare: not per request). */
  onHealthChange?: () => void;
  /**
   * A pooled connection idle longer than this is closed instead of reused: the upstream may close
   * it at its own keep-alive timeout at the moment a request is written to it, and a POST that
   * meets that race cannot be retried (RFC 9110 §9.2.2): the user gets a 502. Below the 5 s of
   * node:http, uvicorn and `greenlight serve`. Default 4000.
   */
  maxIdleMs?: number;
  /** Monotonic clock, ms (injected for tests). */
  now?: () => number;
}

/** One upstream server of a color, with its pool of idle keep-alive connections. */
export class Backend {
  readonly host: string;
  readonly port: number;
  /** `host:port`, the Host of a forwarded request that has none (built once, not per request). */
  readonly hostPort: string;
  health: BackendHealth = 'unknown';
  inFlight = 0;
  downAt = 0;
  removed = false;
  private failures = 0;
  private readonly idle: UpstreamConn[] = [];
  /** Where this backend's connections read into (each read is copied out at once). */
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private readonly now: () => number;

  constructor(
    readonly url: string,
    private readonly opts: BackendOptions,
  ) {
    const u = new URL(url);
    if (u.protocol !== 'http:') throw new TypeError(`backend ${url}: only http:// is supported`);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(u.port || 80);
    this.hostPort = `${this.host}:${this.port}`;
    this.now = opts.now ?? performance.now.bind(performance);
  }

  /** Usable for new traffic: not known to be down, or down long enough to deserve another try. */
  available(now: number): boolean {
    return (
      this.health !== 'down' || (this.opts.retryAfterMs > 0 && now - this.downAt >= this.opts.retryAfterMs)
    );
  }

  /** An idle pooled connection, or a new one (connecting; writes queue until it is up). */
  acquire(): UpstreamConn {
    const oldest = this.idle.length > 0 ? this.now() - (this.opts.maxIdleMs ?? 4_000) : 0;
    while (this.idle.length > 0) {
      const conn = this.idle.pop()!;
      if (conn.alive && conn.idleSince >= oldest) {
        conn.uses++;
        return conn;
      }
      // the stack is newest last: what lies below this one has been idle longer still
      if (conn.alive) for (const c of [conn, ...this.idle.splice(0)]) c.destroy();
    }
    return new UpstreamConn(this.host, this.port, this.readBuffer, (c) => this.forget(c));
  }

  /** Return a connection after a complete exchange; it is closed instead when the pool is full. */
  release(conn: UpstreamConn): void {
    conn.handler = null;
    if (this.removed || !conn.alive || this.idle.length >= this.opts.maxIdle) conn.destroy();
    else {
      conn.idleSince = this.now();
      this.idle.push(conn);
    }
  }

  markUp(): void {
    const was = this.health;
    this.health = 'up';
    this.failures = 0;
    if (was !== 'up') this.opts.onHealthChange?.();
  }

  markDown(now: number): void {
    const was = this.health;
    this.health = 'down';
    this.downAt = now;
    if (was === 'up') this.opts.onHealthChange?.();
  }

  /** Passive check: a 5xx counts against the backend, anything else clears the count. */
  recordStatus(status: number, now: number): void {
    if (status >= 500) {
      if (++this.failures >= this.opts.maxFailures) this.markDown(now);
    } else if (this.failures > 0 || this.health !== 'up') {
      this.markUp();
    }
  }

  /** Close idle connections; in-flight ones finish and are closed on release. */
  close(): void {
    this.removed = true;
    for (const c of this.idle.splice(0)) c.destroy();
  }

  private forget(conn: UpstreamConn): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
