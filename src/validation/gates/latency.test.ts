import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatencySpec } from '../../spec/types.js';
import { systemClock } from '../clock.js';
import { deadPort, type FakeModelServer, startFakeModelServer } from '../fake-server.js';
import { createHttpClient } from '../http.js';
import { latencyGate, type Role } from './latency.js';

// Speed is not asserted here (no timed assertions); these check the gate's decisions on
// differences far larger than any scheduling noise: 0 ms vs 150 ms added per request (a busy
// two-core machine has shown a 33 ms P95 for the instant server).
const spec: LatencySpec = {
  maxRegressionRatio: 1.2,
  concurrency: 2,
  durationSeconds: 0.4,
  warmupRequests: 4,
};

describe('latency gate', () => {
  const client = createHttpClient();
  let fast: FakeModelServer;
  let slow: FakeModelServer;
  beforeAll(async () => {
    fast = await startFakeModelServer();
    slow = await startFakeModelServer({ delayMs: 150 });
  });
  afterAll(async () => {
    await Promise.all([fast.close(), slow.close(), client.close()]);
  });

  it('fails a candidate whose P95 regresses far beyond the ratio, with both histograms as evidence', async () => {
    const r = await latencyGate({
      client,
      baseline: [fast.url],
      candidate: [slow.url],
      texts: ['a', 'b'],
      spec,
      clock: systemClock(),
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/^candidate P95 [\d.]+× \[[\d.]+, [\d.]+\] × baseline P95, all above 1\.2×/);
    expect(r.measured.rounds).toBe(8); // decided at the first look
    expect(r.measured.p95Ms as number).toBeGreaterThanOrEqual(150);
    const ev = r.evidence as { baseline: { count: number }; candidate: { count: number } };
    expect(ev.baseline.count).toBeGreaterThan(0);
    expect(ev.candidate.count).toBeGreaterThan(0);
  });

  it('excludes warm-up requests from the histogram and reports each phase to the monitor', async () => {
    const phases: string[] = [];
    const monitor = {
      start: async (role: Role) => {
        phases.push(`start ${role}`);
      },
      stop: async (role: Role, n: number) => {
        phases.push(`stop ${role} ${n > 0}`);
      },
    };
    const before = fast.requests.predict;
    const r = await latencyGate({
      client,
      baseline: [fast.url],
      candidate: [fast.url],
      texts: ['x'],
      spec: { ...spec, warmupRequests: 7, maxRegressionRatio: 100 },
      clock: systemClock(),
      monitor,
      noiseFloorMs: 1000,
    });
    expect(r.status, JSON.stringify(r.evidence.intervals)).toBe('passed');
    expect(r.measured.rounds, JSON.stringify(r.evidence.intervals)).toBe(8);
    const ev = r.evidence as {
      baseline: { count: number; requests: number };
      candidate: { count: number; requests: number };
    };
    // everything the server saw = measured requests of both roles + 2 × 7 warm-up requests
    expect(fast.requests.predict - before).toBe(ev.baseline.requests + ev.candidate.requests + 14);
    expect(ev.baseline.count).toBe(ev.baseline.requests);
    // both colors are measured in the same instants (interleaved), each round watched for both
    expect(phases.slice(0, 8)).toEqual([
      'start baseline',
      'start candidate',
      'stop baseline true',
      'stop candidate true',
      'start baseline',
      'start candidate',
      'stop baseline true',
      'stop candidate true',
    ]);
    expect(phases).toHaveLength(32); // 8 rounds × 2 colors × start/stop (passed at the first look)
  });

  it('fails on an absolute SLA bound even when there is no regression', async () => {
    const r = await latencyGate({
      client,
      baseline: [slow.url],
      candidate: [slow.url],
      texts: ['x'],
      spec: { ...spec, p50Ms: 5, maxRegressionRatio: 100 },
      clock: systemClock(),
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toMatch(/candidate P50 [\d.]+ms \[[\d.]+, [\d.]+\]ms, all above SLA 5ms/);
  });

  it('keeps adding rounds, 4 at a time up to maxRounds, while another judge of the rounds is undecided', async () => {
    let asked = 0;
    const r = await latencyGate({
      client,
      baseline: [fast.url],
      candidate: [fast.url],
      texts: ['x'],
      spec: { ...spec, durationSeconds: 0.16, maxRegressionRatio: 100, maxRounds: 16 },
      clock: systemClock(),
      noiseFloorMs: 1000,
      othersUndecided: () => {
        asked++;
        return true;
      },
    });
    expect(r.status).toBe('passed');
    expect(r.measured.rounds).toBe(16);
    expect(asked).toBe(3); // at every look; the last one ends the run regardless
    expect((r.evidence.load as { looks: number[] }).looks).toEqual([8, 12, 16]);
  });

  it('a candidate that answers only errors under load is an error (nothing measured)', async () => {
    const broken = await startFakeModelServer({ failWith: 500 });
    try {
      const r = await latencyGate({
        client,
        baseline: [fast.url],
        candidate: [broken.url],
        texts: ['x'],
        spec,
        clock: systemClock(),
      });
      expect(r.status).toBe('error');
      expect(r.summary).toContain('candidate answered no request under load (HTTP 500)');
    } finally {
      await broken.close();
    }
  });

  it('an unreachable baseline is an error', async () => {
    const r = await latencyGate({
      client,
      baseline: [`http://127.0.0.1:${await deadPort()}`],
      candidate: [fast.url],
      texts: ['x'],
      spec: { ...spec, durationSeconds: 0.1 },
      clock: systemClock(),
    });
    expect(r.status).toBe('error');
    expect(r.summary).toMatch(/baseline answered no request under load \(.*ECONNREFUSED/);
  });
});
