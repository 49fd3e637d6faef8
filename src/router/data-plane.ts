import type { RequestHead } from '../http/head.js';
import type { Color } from '../spec/types.js';
import type { ColorPool } from './color-pool.js';
import type { RouterMetrics } from './metrics.js';
import type { RequestLog } from './request-log.js';
import type { Shadow } from './shadow.js';

export interface DataPlaneLimits {
  /** Largest request body accepted (bytes); beyond it, 413. */
  maxBodyBytes: number;
  /** Largest request or response head (bytes); a request beyond it gets 431. */
  maxHeadBytes: number;
  /** No upstream byte for this long while waiting for or reading a response → 504 (or reset). */
  upstreamTimeoutMs: number;
  /** A client that has not finished sending a request head in this long gets 408. */
  headersTimeoutMs: number;
  /** An idle client keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

/** What a client connection needs from the router: the routing decision, pools, metrics, shadow. */
export interface DataPlane {
  readonly limits: DataPlaneLimits;
  readonly metrics: RouterMetrics;
  readonly shadow: Shadow;
  /** Null when the request log is off. */
  readonly requestLog: RequestLog | null;
  /** A coarse clock (ms), refreshed by the router's ticker: timeouts need no per-request Date.now(). */
  readonly clock: { now: number };
  /** Pick the color for one request, at dispatch time. */
  route(head: RequestHead): Color;
  pool(color: Color): ColorPool;
  /** The generation in force (read right after `route`). */
  generation(): number;
}
