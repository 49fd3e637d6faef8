import { describe, expect, it } from 'vitest';
import type { ResourcesSpec } from '../../spec/types.js';
import { resourcesGate } from './resources.js';

const MB = 1024 * 1024;
const spec: ResourcesSpec = { maxRatioToBlue: 1.5 };
const reading = (rssMb: number, cpuPercent: number, cpuMsPerRequest: number | null) => ({
  rssBytes: rssMb * MB,
  cpuPercent,
  cpuMsPerRequest,
  phases: 2,
});

describe('resources gate', () => {
  it('passes a candidate within budget and ratio', () => {
    const r = resourcesGate({
      readings: { baseline: reading(100, 80, 1), candidate: reading(110, 85, 1.2) },
      spec: { ...spec, maxRssMb: 200 },
      source: 'metrics',
    });
    expect(r.status).toBe('passed');
    expect(r.measured).toMatchObject({ rssMb: 110, rssRatio: 1.1, cpuRatio: 1.2 });
  });

  it('compares CPU per request when known (closed-loop load keeps both busy)', () => {
    const r = resourcesGate({
      readings: { baseline: reading(100, 90, 1), candidate: reading(100, 90, 4) },
      spec,
      source: 'metrics',
    });
    expect(r.status).toBe('failed');
    expect(r.summary).toContain('CPU per request 4× baseline > 1.5×');
  });

  it('falls back to CPU percent without request counts', () => {
    const r = resourcesGate({
      readings: { baseline: reading(100, 10, null), candidate: reading(100, 40, null) },
      spec,
      source: 'probe',
    });
    expect(r.status).toBe('failed');
    expect(r.evidence.cpuCompared).toBe('percent');
  });

  it('fails absolute budgets and RSS regressions', () => {
    const r = resourcesGate({
      readings: { baseline: reading(100, 50, 1), candidate: reading(300, 95, 1) },
      spec: { maxRatioToBlue: 2, maxRssMb: 256, maxCpuPercent: 90 },
      source: 'metrics',
    });
    expect(r.status).toBe('failed');
    expect(r.evidence.problems).toEqual([
      'candidate RSS 300 MB > budget 256 MB',
      'candidate CPU 95% > budget 90%',
      'candidate RSS 3× baseline > 2×',
    ]);
  });

  it('missing readings are an error, not a failure', () => {
    const r = resourcesGate({
      readings: { baseline: reading(1, 1, 1), candidate: { error: 'GET /metrics answered 404' } },
      spec,
      source: 'metrics',
    });
    expect(r.status).toBe('error');
    expect(r.summary).toContain('404');
  });

  describe('on paired rounds (the latency gate’s), decided on Hodges–Lehmann intervals', () => {
    const phase = (rssMb: number, cpuMsPerRequest: number) => ({
      rssBytes: rssMb * MB,
      cpuPercent: 50,
      cpuMsPerRequest,
    });
    const rounds = (cpu: (i: number) => number) => ({
      baseline: Array.from({ length: 8 }, () => phase(100, 1)),
      candidate: Array.from({ length: 8 }, (_, i) => phase(102, cpu(i))),
    });
    const readings = { baseline: reading(100, 50, 1), candidate: reading(102, 50, 1) };

    it('an identical model whose per-round CPU wobbles ±15% passes: the interval, not one noisy ratio, decides', () => {
      const wobble = [1.15, 0.88, 1.05, 0.95, 1.12, 0.86, 1.02, 0.97];
      const r = resourcesGate({
        readings,
        phases: rounds((i) => wobble[i]),
        spec: { maxRatioToBlue: 1.2 },
        source: 'metrics',
        alpha: 0.0125,
      });
      expect(r.status, r.summary).toBe('passed');
      expect(r.measured.rounds).toBe(8);
      expect(r.summary).toMatch(/^candidate CPU per request [\d.]+× \[[\d.]+, [\d.]+\]/);
    });

    it('3× the CPU per request fails with the interval in the reason; a straddling one is inconclusive', () => {
      const bad = resourcesGate({
        readings,
        phases: rounds(() => 3),
        spec: { maxRatioToBlue: 1.5 },
        source: 'metrics',
      });
      expect(bad.status).toBe('failed');
      expect(bad.summary).toBe('CPU per request 3× [3, 3] baseline, all above 1.5×');
      const mixed = [1.0, 2.0, 1.1, 1.9, 1.2, 1.8, 1.3, 1.7];
      const unsure = resourcesGate({
        readings,
        phases: rounds((i) => mixed[i]),
        spec: { maxRatioToBlue: 1.5 },
        source: 'metrics',
      });
      expect(unsure.status).toBe('inconclusive');
    });

    it('an absolute RSS budget is judged on the candidate’s own per-round values', () => {
      const r = resourcesGate({
        readings,
        phases: rounds(() => 1),
        spec: { maxRatioToBlue: 2, maxRssMb: 50 },
        source: 'metrics',
      });
      expect(r.status).toBe('failed');
      expect(r.summary).toBe('candidate RSS 102 MB [102, 102], all above 50 MB');
    });
  });
});
