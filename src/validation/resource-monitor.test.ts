import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, type FakeModelServer, fakeClock, startFakeModelServer } from './fake-server.js';
import { createHttpClient } from './http.js';
import { metricsResourceMonitor, probeResourceMonitor, promValue } from './resource-monitor.js';

describe('promValue', () => {
  it('reads unlabelled and labelled samples, summing labels, ignoring longer names', () => {
    const text = [
      '# HELP process_cpu_seconds_total x',
      'process_cpu_seconds_total 1.5',
      'process_cpu_seconds_total_extra 99',
      'process_resident_memory_bytes{pid="1"} 100',
      'process_resident_memory_bytes{pid="2"} 50 1700000000',
    ].join('\n');
    expect(promValue(text, 'process_cpu_seconds_total')).toBe(1.5);
    expect(promValue(text, 'process_resident_memory_bytes')).toBe(150);
    expect(promValue(text, 'nothing')).toBeUndefined();
  });
});

describe('resource monitors', () => {
  const client = createHttpClient();
  let a: FakeModelServer;
  let cpu = 0;
  beforeAll(async () => {
    a = await startFakeModelServer({
      metrics: () => `process_cpu_seconds_total ${cpu}\nprocess_resident_memory_bytes ${200 * 1024 * 1024}\n`,
    });
  });
  afterAll(async () => {
    await Promise.all([a.close(), client.close()]);
  });

  it('metrics: CPU delta over the phase, per request, and the largest RSS (summed over replicas)', async () => {
    const clock = fakeClock();
    const m = metricsResourceMonitor({
      client,
      urls: { baseline: [a.url], candidate: [a.url, a.url] },
      clock,
    });
    cpu = 10;
    await m.start('candidate', 1000);
    clock.advance(2000);
    cpu = 11; // each of the two "replicas" used 1 s of CPU
    await m.stop('candidate', 400);
    const r = m.readings();
    expect(r.candidate).toEqual({
      rssBytes: 400 * 1024 * 1024,
      cpuPercent: 100,
      cpuMsPerRequest: 5,
      phases: 1,
    });
    expect(r.baseline).toEqual({ error: 'no measured phase' });
  });

  it('metrics: an unreachable server becomes an error reading', async () => {
    const m = metricsResourceMonitor({
      client,
      urls: { baseline: [`http://127.0.0.1:${await deadPort()}`], candidate: [a.url] },
      clock: fakeClock(),
    });
    await m.start('baseline', 10);
    await m.stop('baseline', 1);
    expect(m.readings().baseline).toMatchObject({ error: expect.stringContaining('ECONNREFUSED') });
  });

  it('probe: samples over each phase and weights CPU by phase length', async () => {
    const m = probeResourceMonitor(async (role, ms) => ({
      rssBytes: role === 'candidate' ? 300 : 100,
      cpuPercent: ms === 1000 ? 50 : 100,
    }));
    await m.start('candidate', 1000);
    await m.stop('candidate', 10);
    await m.start('candidate', 3000);
    await m.stop('candidate', 30);
    // CPU: (0.5·1 + 1·3) s over 4 s = 87.5%; per request 3500 ms / 40
    expect(m.readings().candidate).toEqual({
      rssBytes: 300,
      cpuPercent: 87.5,
      cpuMsPerRequest: 87.5,
      phases: 2,
    });
  });
});
