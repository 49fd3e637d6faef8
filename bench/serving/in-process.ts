import { createBatcher } from '../../src/serving/batcher.js';
import { type Point, pct } from './point.js';

export interface Batching {
  maxBatchSize: number;
  maxQueueDelayMs: number;
}

/**
 * The ceiling: N async callers, each submitting one item (a text, a parsed OIP request) at a time
 * to the same dynamic batcher the server uses, as N HTTP clients would, with no HTTP in between.
 */
export async function runInProcess<I>(
  predict: (items: I[]) => Promise<unknown[]>,
  texts: I[],
  concurrency: number,
  seconds: number,
  batching: Batching,
): Promise<Point> {
  const batcher = createBatcher({ run: predict, ...batching });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let k = 0;
  const caller = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await batcher.submit([texts[k++ % texts.length]]);
      latencies.push(performance.now() - t0);
    }
  };
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, caller));
  const used = process.cpuUsage(cpu);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50Ms: pct(latencies, 0.5),
    p99Ms: pct(latencies, 0.99),
    errors: 0,
    cpuUsPerRequest: (used.user + used.system) / latencies.length,
  };
}
