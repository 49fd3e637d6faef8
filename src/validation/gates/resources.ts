import type { ResourcesSpec } from '../../spec/types.js';
import type { ResourceReading } from '../resource-monitor.js';
import type { GateResult } from '../types.js';
import { errorResult, gateResult, round } from './result.js';

export interface ResourcesGateInput {
  readings: { baseline: ResourceReading | { error: string }; candidate: ResourceReading | { error: string } };
  spec: ResourcesSpec;
  source: string;
}

const MB = 1024 * 1024;

interface Compared {
  rssMb: number;
  rssRatio: number | null;
  cpuRatio: number | null;
  perRequest: boolean;
}

/** Ratios to the baseline: CPU per request when both counts are known, else CPU percent. */
function compare(b: ResourceReading, c: ResourceReading): Compared {
  const rssMb = c.rssBytes / MB;
  const baseRssMb = b.rssBytes / MB;
  const perRequest = c.cpuMsPerRequest !== null && b.cpuMsPerRequest !== null && b.cpuMsPerRequest > 0;
  let cpuRatio: number | null = null;
  if (perRequest) cpuRatio = (c.cpuMsPerRequest as number) / (b.cpuMsPerRequest as number);
  else if (b.cpuPercent > 0) cpuRatio = c.cpuPercent / b.cpuPercent;
  return { rssMb, rssRatio: baseRssMb > 0 ? rssMb / baseRssMb : null, cpuRatio, perRequest };
}

function resourceProblems(spec: ResourcesSpec, c: ResourceReading, k: Compared): string[] {
  const problems: string[] = [];
  if (spec.maxRssMb !== undefined && k.rssMb > spec.maxRssMb)
    problems.push(`candidate RSS ${round(k.rssMb, 1)} MB > budget ${spec.maxRssMb} MB`);
  if (spec.maxCpuPercent !== undefined && c.cpuPercent > spec.maxCpuPercent) {
    problems.push(`candidate CPU ${round(c.cpuPercent, 1)}% > budget ${spec.maxCpuPercent}%`);
  }
  if (k.rssRatio !== null && k.rssRatio > spec.maxRatioToBlue)
    problems.push(`candidate RSS ${round(k.rssRatio, 2)}× baseline > ${spec.maxRatioToBlue}×`);
  if (k.cpuRatio !== null && k.cpuRatio > spec.maxRatioToBlue) {
    problems.push(
      `candidate CPU${k.perRequest ? ' per request' : ''} ${round(k.cpuRatio, 2)}× baseline > ${spec.maxRatioToBlue}×`,
    );
  }
  return problems;
}

const orNull = (x: number | null, digits: number) => (x === null ? null : round(x, digits));

/**
 * Resources gate: the candidate's RSS and CPU during load are within the absolute budgets that are
 * set and at most `maxRatioToBlue` × the baseline's. CPU is compared per request served when
 * request counts are known (closed-loop load keeps both colors busy, so CPU percent alone mostly
 * measures the load generator), otherwise as percent.
 */
export function resourcesGate(input: ResourcesGateInput): GateResult {
  const { baseline: b, candidate: c } = input.readings;
  if ('error' in c)
    return errorResult('resources', `no resource readings for the candidate: ${c.error}`, {
      source: input.source,
    });
  if ('error' in b)
    return errorResult('resources', `no resource readings for the baseline: ${b.error}`, {
      source: input.source,
    });
  const { spec } = input;
  const k = compare(b, c);
  const problems = resourceProblems(spec, c, k);
  const measured = {
    rssMb: round(k.rssMb, 1),
    cpuPercent: round(c.cpuPercent, 1),
    cpuMsPerRequest: orNull(c.cpuMsPerRequest, 4),
    rssRatio: orNull(k.rssRatio, 3),
    cpuRatio: orNull(k.cpuRatio, 3),
  };
  const threshold = {
    rssMb: spec.maxRssMb ?? null,
    cpuPercent: spec.maxCpuPercent ?? null,
    cpuMsPerRequest: null,
    rssRatio: spec.maxRatioToBlue,
    cpuRatio: spec.maxRatioToBlue,
  };
  const evidence = {
    source: input.source,
    cpuCompared: k.perRequest ? 'per request' : 'percent',
    baseline: {
      rssMb: round(b.rssBytes / MB, 1),
      cpuPercent: round(b.cpuPercent, 1),
      cpuMsPerRequest: orNull(b.cpuMsPerRequest, 4),
    },
    candidate: {
      rssMb: measured.rssMb,
      cpuPercent: measured.cpuPercent,
      cpuMsPerRequest: measured.cpuMsPerRequest,
    },
    problems,
  };
  if (problems.length > 0)
    return gateResult('resources', 'failed', problems.join('; '), { measured, threshold, evidence });
  return gateResult(
    'resources',
    'passed',
    `candidate RSS ${measured.rssMb} MB (${measured.rssRatio ?? '–'}× baseline), CPU ${measured.cpuRatio ?? '–'}× baseline${k.perRequest ? ' per request' : ''} (≤ ${spec.maxRatioToBlue}×)`,
    { measured, threshold, evidence },
  );
}
