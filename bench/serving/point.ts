/** One measured load level. */
export interface Point {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers (wrk) — must be 0 for the point to count. */
  errors: number;
  /**
   * CPU time (user + system, all threads) per request of the process doing the serving: the cost
   * of a request independent of how many cores the run happened to get on a shared machine.
   */
  cpuUsPerRequest: number;
}

export function pct(sorted: number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
