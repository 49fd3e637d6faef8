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
});
