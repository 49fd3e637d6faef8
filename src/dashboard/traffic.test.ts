import { describe, expect, it } from 'vitest';
import { createTrafficSampler, quantileMs } from './traffic.js';

function metrics(c: { blue: [number, number, number[]]; green?: [number, number, number[]] }): string {
  const les = ['0.005', '0.01', '0.05', '+Inf'];
  const out: string[] = [
    '# HELP greenlight_router_requests_total x',
    '# TYPE greenlight_router_requests_total counter',
  ];
  for (const [color, v] of Object.entries(c)) {
    if (!v) continue;
    const [ok, err, buckets] = v;
    out.push(`greenlight_router_requests_total{color="${color}",code="200"} ${ok}`);
    out.push(`greenlight_router_requests_total{color="${color}",code="503"} ${err}`);
    les.forEach((le, i) => {
      out.push(
        `greenlight_router_request_duration_seconds_bucket{le="${le}",color="${color}"} ${buckets[i]}`,
      );
    });
  }
  return out.join('\n');
}

describe('traffic sampler', () => {
  it('interpolates quantiles inside the bucket, from the difference of two scrapes', () => {
    const before: [number, number][] = [
      [0.005, 10],
      [0.01, 10],
      [Number.POSITIVE_INFINITY, 10],
    ];
    const after: [number, number][] = [
      [0.005, 60],
      [0.01, 110],
      [Number.POSITIVE_INFINITY, 110],
    ];
    // 50 new requests under 5 ms, 50 between 5 and 10 ms.
    expect(quantileMs(before, after, 0.5)).toBe(5);
    expect(quantileMs(before, after, 0.75)).toBe(7.5);
    expect(quantileMs(before, after, 0.99)).toBeCloseTo(9.9, 6);
    expect(quantileMs(after, after, 0.5)).toBeNull();
  });

  it('turns cumulative router counters into req/s, error rate and percentiles per color', async () => {
    let now = 1_000_000;
    const pages = [
      metrics({ blue: [100, 0, [50, 90, 100, 100]] }),
      metrics({ blue: [290, 10, [150, 250, 295, 300]], green: [0, 0, [0, 0, 0, 0]] }),
      // a restarted router: counters start again from zero
      metrics({ blue: [20, 0, [20, 20, 20, 20]] }),
    ];
    let i = 0;
    const sampler = createTrafficSampler({
      sources: () => [{ deployment: 'spam', metrics: async () => pages[Math.min(i++, pages.length - 1)] }],
      now: () => now,
      intervalMs: 60_000,
    });
    const seen: string[] = [];
    sampler.subscribe((d) => seen.push(d));
    await sampler.sampleOnce();
    expect(sampler.series('spam')).toEqual([]);
    now += 2000;
    await sampler.sampleOnce();
    const [p] = sampler.series('spam');
    expect(p.t).toBe(now);
    expect(p.colors.blue.rps).toBe(100);
    expect(p.colors.blue.errorRate).toBe(0.05);
    expect(p.colors.blue.p50Ms).toBe(5);
    expect(p.colors.green).toEqual({ rps: 0, errorRate: null, p50Ms: null, p95Ms: null, p99Ms: null });
    now += 2000;
    await sampler.sampleOnce();
    expect(sampler.series('spam')[1].colors.blue.rps).toBe(10);
    expect(seen).toEqual(['spam', 'spam']);
    sampler.stop();
  });

  it('a router that does not answer leaves a gap, not an error', async () => {
    const sampler = createTrafficSampler({
      sources: () => [
        {
          deployment: 'spam',
          metrics: async () => {
            throw new Error('ECONNREFUSED');
          },
        },
      ],
      intervalMs: 60_000,
    });
    await sampler.sampleOnce();
    expect(sampler.series('spam')).toEqual([]);
    sampler.stop();
  });
});
