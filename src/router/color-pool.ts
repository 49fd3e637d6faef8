import type { Color } from '../spec/types.js';
import { Backend, type BackendOptions } from './backend.js';

/**
 * The backends of one color, its in-flight count (for draining) and the waiters of `waitIdle`.
 * Balancing is least-outstanding-requests with a rotating start so ties spread round robin.
 */
export class ColorPool {
  backends: Backend[] = [];
  inFlight = 0;
  requests = 0;
  errors = 0;
  private rr = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly color: Color,
    private readonly backendOptions: BackendOptions,
  ) {}

  /** Replace the backend list; backends whose URL stays keep their pool and health. */
  setUrls(urls: string[]): void {
    const keep = new Map(this.backends.map((b) => [b.url, b]));
    const next = urls.map((url) => {
      const b = keep.get(url);
      keep.delete(url);
      return b ?? new Backend(url, this.backendOptions);
    });
    for (const gone of keep.values()) gone.close();
    this.backends = next;
  }

  /** True when some backend is up or not yet known to be down. */
  hasHealthy(now: number): boolean {
    return this.backends.some((b) => b.available(now));
  }

  /** True when some backend has passed a check or served a request. */
  hasProvenHealthy(): boolean {
    return this.backends.some((b) => b.health === 'up');
  }

  /**
   * Least-outstanding healthy backend not in `exclude`. When every backend is down it still picks
   * one: sending traffic to a maybe-recovered backend beats answering every request with 502.
   */
  pick(now: number, exclude?: ReadonlySet<Backend>): Backend | undefined {
    const list = this.backends;
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.rr++ % n;
    let best: Backend | undefined;
    let fallback: Backend | undefined;
    for (let k = 0; k < n; k++) {
      const b = list[(start + k) % n];
      if (exclude?.has(b)) continue;
      if (!b.available(now)) {
        if (!fallback || b.downAt < fallback.downAt) fallback = b;
        continue;
      }
      if (!best || b.inFlight < best.inFlight) best = b;
    }
    return best ?? fallback;
  }

  begin(): void {
    this.inFlight++;
    this.requests++;
  }

  end(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Resolves true when nothing is in flight, false when `timeoutMs` passes first. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(
        () => {
          this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
          resolve(this.inFlight === 0);
        },
        Math.max(0, timeoutMs),
      );
      this.idleWaiters.push(waiter);
    });
  }

  close(): void {
    for (const b of this.backends) b.close();
  }
}
