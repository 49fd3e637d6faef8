import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from '../store/types.js';
import { createDashboardRoute } from './route.js';
import { createTrafficSampler, type TrafficSource } from './traffic.js';

export interface Dashboard {
  fallback: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  close(): void;
}

/**
 * The dashboard of a local control plane. Today one router serves the data plane, and it serves
 * the first deployment (as the control plane's initial backends do), so that deployment's traffic
 * figures are the router's; per-deployment routers will give each its own source here.
 */
export function createLocalDashboard(opts: {
  store: Store;
  /** The router's `GET /metrics` URL (its admin port; no token needed); read on every scrape. */
  routerMetricsUrl: () => string;
  intervalMs?: number;
}): Dashboard {
  const sources = (): TrafficSource[] => {
    const first = opts.store.listDeployments()[0];
    if (!first) return [];
    return [
      {
        deployment: first.name,
        metrics: async () => {
          const res = await fetch(opts.routerMetricsUrl(), { signal: AbortSignal.timeout(2000) });
          if (!res.ok) throw new Error(`router metrics: HTTP ${res.status}`);
          return res.text();
        },
      },
    ];
  };
  const traffic = createTrafficSampler({ sources, intervalMs: opts.intervalMs });
  return { fallback: createDashboardRoute({ store: opts.store, traffic }), close: () => traffic.stop() };
}
