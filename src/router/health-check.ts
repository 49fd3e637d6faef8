import http from 'node:http';
import type { Backend } from './backend.js';

export interface HealthCheckOptions {
  /** Active check period; 0 turns active checks off (passive checks still apply). */
  intervalMs: number;
  /** Path probed with GET; the model server's readiness endpoint by default. */
  path: string;
  timeoutMs: number;
}

/**
 * One active probe. Healthy = any status below 500: 503 is how a model server says "not ready",
 * while a 404 means the server is up but has no such endpoint (a generic HTTP upstream).
 */
export function probe(backend: Backend, opts: HealthCheckOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: backend.host, port: backend.port, path: opts.path, agent: false, timeout: opts.timeoutMs },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 500);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}

/** Probe `backends` and record the outcome on each; resolves once all have answered. */
export async function checkAll(
  backends: Backend[],
  opts: HealthCheckOptions,
  now: () => number,
): Promise<void> {
  await Promise.all(
    backends.map(async (b) => {
      const ok = await probe(b, opts);
      if (b.removed) return;
      if (ok) b.markUp();
      else b.markDown(now());
    }),
  );
}
