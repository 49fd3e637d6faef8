import type { ResourcesSpec } from '../../spec/types.js';
import type { PhaseReading, ResourceReading } from '../resource-monitor.js';
import type { GateResult } from '../types.js';
import { type IntervalVerdict, intervalText, judgeOnInterval } from './interval-rule.js';
import { errorResult, gateResult, round } from './result.js';

export interface ResourcesGateInput {
  readings: { baseline: ResourceReading | { error: string }; candidate: ResourceReading | { error: string } };
  spec: ResourcesSpec;
  source: string;
  /**
   * Each color's measured phases in order (the latency gate's paired rounds). With at least
   * MIN_ROUNDS pairs the gate judges per-round ratios on intervals; otherwise (no load run: one
   * idle sample per color) it compares the aggregate readings.
   */
  phases?: { baseline: PhaseReading[]; candidate: PhaseReading[] };
  /** Error allowed to each bound at this look (the latency gate's per-look α). Default 0.05. */
  alpha?: number;
}

const MB = 1024 * 1024;

/** The signed-rank interval needs 5 rounds before it can bound anything at α = 0.05. */
export const MIN_ROUNDS = 5;

interface Judged {
  name: string;
  unit: string;
  verdict: IntervalVerdict;
}

/**
 * The interval judgements of paired rounds: CPU per request (or CPU percent when request counts
 * are unknown) and RSS as ratios candidate/baseline against maxRatioToBlue, and the candidate's
 * own RSS and CPU against the absolute budgets that are set.
 */
export function judgeResourceRounds(
  phases: { baseline: PhaseReading[]; candidate: PhaseReading[] },
  spec: ResourcesSpec,
  alpha: number,
): Judged[] {
  const n = Math.min(phases.baseline.length, phases.candidate.length);
  const pairs = Array.from({ length: n }, (_, i) => ({ b: phases.baseline[i], c: phases.candidate[i] }));
  const perRequest = pairs.every((p) => p.b.cpuMsPerRequest !== null && p.c.cpuMsPerRequest !== null);
  const cpu = pairs.map((p) =>
    perRequest
      ? (p.c.cpuMsPerRequest as number) / (p.b.cpuMsPerRequest as number)
      : p.c.cpuPercent / p.b.cpuPercent,
  );
  const out: Judged[] = [
    {
      name: perRequest ? 'CPU per request' : 'CPU',
      unit: '×',
      verdict: judgeOnInterval(cpu, spec.maxRatioToBlue, alpha),
    },
    {
      name: 'RSS',
      unit: '×',
      verdict: judgeOnInterval(
        pairs.map((p) => p.c.rssBytes / p.b.rssBytes),
        spec.maxRatioToBlue,
        alpha,
      ),
    },
  ];
  if (spec.maxRssMb !== undefined)
    out.push({
      name: 'candidate RSS',
      unit: 'MB',
      verdict: judgeOnInterval(
        pairs.map((p) => p.c.rssBytes / MB),
        spec.maxRssMb,
        alpha,
      ),
    });
  if (spec.maxCpuPercent !== undefined)
    out.push({
      name: 'candidate CPU',
      unit: '%',
      verdict: judgeOnInterval(
        pairs.map((p) => p.c.cpuPercent),
        spec.maxCpuPercent,
        alpha,
      ),
    });
  return out;
}

/** passed / failed / undecided over the judgements (the latency gate asks, to add rounds). */
export function resourceRoundsDecision(judged: readonly Judged[]): 'passed' | 'failed' | 'undecided' {
  if (judged.some((j) => j.verdict.status === 'failed')) return 'failed';
  return judged.every((j) => j.verdict.status === 'passed') ? 'passed' : 'undecided';
}

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

/** The limits beside `measured`, the same whichever way the gate decides. */
const thresholdsOf = (spec: ResourcesSpec) => ({
  rssMb: spec.maxRssMb ?? null,
  cpuPercent: spec.maxCpuPercent ?? null,
  cpuMsPerRequest: null,
  rssRatio: spec.maxRatioToBlue,
  cpuRatio: spec.maxRatioToBlue,
});

const orNull = (x: number | null, digits: number) => (x === null ? null : round(x, digits));

/** A color's reading as the evidence shows it. */
const usage = (r: ResourceReading) => ({
  rssMb: round(r.rssBytes / MB, 1),
  cpuPercent: round(r.cpuPercent, 1),
  cpuMsPerRequest: orNull(r.cpuMsPerRequest, 4),
});

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
  const rounds = input.phases ? Math.min(input.phases.baseline.length, input.phases.candidate.length) : 0;
  if (input.phases && rounds >= MIN_ROUNDS) return intervalResult(input, input.phases, b, c);
  const k = compare(b, c);
  const problems = resourceProblems(spec, c, k);
  const measured = {
    rssMb: round(k.rssMb, 1),
    cpuPercent: round(c.cpuPercent, 1),
    cpuMsPerRequest: orNull(c.cpuMsPerRequest, 4),
    rssRatio: orNull(k.rssRatio, 3),
    cpuRatio: orNull(k.cpuRatio, 3),
  };
  const threshold = thresholdsOf(spec);
  const evidence = {
    source: input.source,
    cpuCompared: k.perRequest ? 'per request' : 'percent',
    baseline: usage(b),
    candidate: usage(c),
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

/** The gate's result from paired rounds: decided on intervals, like the latency gate. */
function intervalResult(
  input: ResourcesGateInput,
  phases: { baseline: PhaseReading[]; candidate: PhaseReading[] },
  b: ResourceReading,
  c: ResourceReading,
): GateResult {
  const { spec } = input;
  const judged = judgeResourceRounds(phases, spec, input.alpha ?? 0.05);
  const decision = resourceRoundsDecision(judged);
  const [cpu, rss] = judged;
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const measured = {
    rssMb: round(c.rssBytes / MB, 1),
    cpuPercent: round(c.cpuPercent, 1),
    cpuMsPerRequest: orNull(c.cpuMsPerRequest, 4),
    rssRatio: finite(rss.verdict.estimate),
    cpuRatio: finite(cpu.verdict.estimate),
    cpuRatioUpper: finite(cpu.verdict.upper),
    rounds: cpu.verdict.rounds,
  };
  const threshold = thresholdsOf(spec);
  const text = (j: Judged) => `${j.name} ${intervalText(j.verdict, j.unit === '×' ? '×' : ` ${j.unit}`)}`;
  const problems = judged
    .filter((j) => j.verdict.status === 'failed')
    .map(
      (j) =>
        `${text(j)}${j.unit === '×' ? ' baseline' : ''}, all above ${j.verdict.limit}${j.unit === '×' ? '×' : ` ${j.unit}`}`,
    );
  const evidence = {
    source: input.source,
    cpuCompared: cpu.name === 'CPU per request' ? 'per request' : 'percent',
    method: 'Hodges–Lehmann interval of per-round log ratios (signed-rank bounds)',
    intervals: Object.fromEntries(judged.map((j) => [j.name, j.verdict])),
    baseline: usage(b),
    candidate: usage(c),
    problems,
  };
  const parts = { measured, threshold, evidence };
  const all = judged.map(text).join(', ');
  if (decision === 'failed') return gateResult('resources', 'failed', problems.join('; '), parts);
  if (decision === 'passed')
    return gateResult(
      'resources',
      'passed',
      `candidate ${all} over ${measured.rounds} rounds (≤ ${spec.maxRatioToBlue}×)`,
      parts,
    );
  return gateResult(
    'resources',
    'inconclusive',
    `undecided after ${measured.rounds} rounds: ${all} straddle the limits (≤ ${spec.maxRatioToBlue}×)`,
    parts,
  );
}
