import type { Histogram } from 'hdr-histogram-js';
import type { EncodedRequest } from '../../protocols/protocol.js';
import type { LatencySpec } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import type { HttpClient } from '../http.js';
import { createLatencyHistogram, runLoadPhase } from '../load.js';
import type { GateResult } from '../types.js';
import { errorResult, gateResult, round } from './result.js';

export type Role = 'baseline' | 'candidate';

/** Hooks around each measured load phase. */
export interface PhaseMonitor {
  start(role: Role, phaseMs: number): Promise<void>;
  stop(role: Role, requests: number): Promise<void>;
}

export interface LatencyGateInput {
  client: HttpClient;
  baseline: string[];
  candidate: string[];
  /** Each color's requests (encoded by its protocol), in order, cycling... */
  calls?: Record<Role, readonly EncodedRequest[]>;
  /** ...or texts for greenlight's `POST /predict {"text"}` on both. */
  texts?: readonly string[];
  spec: LatencySpec;
  clock: Clock;
  signal?: AbortSignal;
  /**
   * Told when each measured phase starts and stops (the resources gate samples CPU and memory
   * there); its failures are the resources gate's business, never this gate's.
   */
  monitor?: PhaseMonitor;
  /**
   * Measured rounds per color, alternating baseline/candidate as ABBA…: background load on a
   * shared machine drifts, and alternation spreads it over both colors. Default 4.
   */
  rounds?: number;
  /**
   * P95s this close are equal: sub-millisecond P95s on loopback jitter by more than 20%,
   * so the ratio check allows candidate P95 <= max(ratio × baseline, baseline + floor). Default 0.5 ms.
   */
  noiseFloorMs?: number;
  /** Candidate error ratio under load above which the gate fails. Default 0.01. */
  maxErrorRatio?: number;
}

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  count: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  rps: number;
}

interface Totals {
  requests: number;
  errors: number;
  errorSamples: Set<string>;
  ms: number;
}

/** ABBA… order: each round flips which color goes first. */
function phaseOrder(rounds: number): Role[] {
  const order: Role[] = [];
  for (let r = 0; r < rounds; r++)
    order.push(...((r % 2 === 0 ? ['baseline', 'candidate'] : ['candidate', 'baseline']) as Role[]));
  return order;
}

function summarise(h: Histogram, t: Totals): Measured {
  const ms = (pct: number) => round(h.getValueAtPercentile(pct) / 1000, 3);
  return {
    p50: ms(50),
    p95: ms(95),
    p99: ms(99),
    max: round(h.maxValue / 1000, 3),
    count: h.totalCount,
    requests: t.requests,
    errors: t.errors,
    errorSamples: [...t.errorSamples],
    rps: round(t.requests / (t.ms / 1000), 1),
  };
}

/** Warm up both colors, then run the measured phases; returns each color's summary. */
async function measure(input: LatencyGateInput, rounds: number): Promise<Record<Role, Measured>> {
  const { spec } = input;
  const urls: Record<Role, string[]> = { baseline: input.baseline, candidate: input.candidate };
  const hist = { baseline: createLatencyHistogram(), candidate: createLatencyHistogram() };
  const totals: Record<Role, Totals> = {
    baseline: { requests: 0, errors: 0, errorSamples: new Set(), ms: 0 },
    candidate: { requests: 0, errors: 0, errorSamples: new Set(), ms: 0 },
  };
  const common = {
    client: input.client,
    texts: input.texts,
    concurrency: spec.concurrency,
    clock: input.clock,
    signal: input.signal,
  };
  try {
    for (const role of ['baseline', 'candidate'] as const)
      await runLoadPhase({
        ...common,
        calls: input.calls?.[role],
        urls: urls[role],
        requests: spec.warmupRequests,
      });
    const phaseMs = (spec.durationSeconds * 1000) / rounds;
    for (const role of phaseOrder(rounds)) {
      await input.monitor?.start(role, phaseMs).catch(() => undefined);
      const p = await runLoadPhase({
        ...common,
        calls: input.calls?.[role],
        urls: urls[role],
        durationMs: phaseMs,
        histogram: hist[role],
      });
      await input.monitor?.stop(role, p.requests).catch(() => undefined);
      const t = totals[role];
      t.requests += p.requests;
      t.errors += p.errors;
      t.ms += p.elapsedMs;
      for (const e of p.errorSamples) t.errorSamples.add(e);
    }
    return {
      baseline: summarise(hist.baseline, totals.baseline),
      candidate: summarise(hist.candidate, totals.candidate),
    };
  } finally {
    hist.baseline.destroy();
    hist.candidate.destroy();
  }
}

/** Every reason the candidate fails, empty when it passes. */
function latencyProblems(
  spec: LatencySpec,
  base: Measured,
  cand: Measured,
  allowedP95: number,
  maxErrorRatio: number,
): string[] {
  const problems: string[] = [];
  for (const [key, value, bound] of [
    ['P50', cand.p50, spec.p50Ms],
    ['P95', cand.p95, spec.p95Ms],
    ['P99', cand.p99, spec.p99Ms],
  ] as const) {
    if (bound !== undefined && value > bound) problems.push(`candidate ${key} ${value}ms > SLA ${bound}ms`);
  }
  if (cand.p95 > allowedP95)
    problems.push(`candidate P95 ${cand.p95}ms > ${spec.maxRegressionRatio}× baseline P95 ${base.p95}ms`);
  const errorRatio = cand.requests > 0 ? cand.errors / cand.requests : 0;
  if (errorRatio > maxErrorRatio)
    problems.push(`candidate failed ${round(errorRatio * 100, 2)}% of requests under load`);
  return problems;
}

/**
 * Latency gate: warm each color up (unrecorded), then drive closed-loop load at
 * `spec.concurrency` for `spec.durationSeconds` per color, in alternating rounds, into one HDR
 * histogram per color. Passes when the candidate's P50/P95/P99 meet the SLA bounds that are set and
 * its P95 <= maxRegressionRatio × the baseline's.
 */
export async function latencyGate(input: LatencyGateInput): Promise<GateResult> {
  const { spec } = input;
  const rounds = Math.max(1, input.rounds ?? 4);
  const floor = input.noiseFloorMs ?? 0.5;
  const maxErrorRatio = input.maxErrorRatio ?? 0.01;
  if ((input.calls?.candidate.length ?? input.texts?.length ?? 0) === 0)
    return errorResult('latency', 'no requests to send');
  let m: Record<Role, Measured>;
  try {
    m = await measure(input, rounds);
  } catch (err) {
    return errorResult('latency', `load generation failed: ${(err as Error).message}`);
  }
  const { baseline: base, candidate: cand } = m;
  for (const role of ['baseline', 'candidate'] as const) {
    if (m[role].count === 0) {
      return errorResult(
        'latency',
        `${role} answered no request under load (${m[role].errorSamples.join('; ') || 'no response'})`,
        { [role]: m[role] },
      );
    }
  }
  const allowedP95 = Math.max(spec.maxRegressionRatio * base.p95, base.p95 + floor);
  const ratio = base.p95 > 0 ? round(cand.p95 / base.p95, 3) : null;
  const problems = latencyProblems(spec, base, cand, allowedP95, maxErrorRatio);
  const errorRatio = cand.requests > 0 ? round(cand.errors / cand.requests, 4) : 0;
  const measured = {
    p50Ms: cand.p50,
    p95Ms: cand.p95,
    p99Ms: cand.p99,
    baselineP95Ms: base.p95,
    ratio,
    errorRatio,
  };
  const threshold = {
    p50Ms: spec.p50Ms ?? null,
    p95Ms: spec.p95Ms ?? null,
    p99Ms: spec.p99Ms ?? null,
    baselineP95Ms: null,
    ratio: spec.maxRegressionRatio,
    errorRatio: maxErrorRatio,
  };
  const evidence = {
    baseline: base,
    candidate: cand,
    allowedP95Ms: round(allowedP95, 3),
    noiseFloorMs: floor,
    load: {
      concurrency: spec.concurrency,
      durationSeconds: spec.durationSeconds,
      warmupRequests: spec.warmupRequests,
      rounds,
    },
    problems,
  };
  if (problems.length > 0)
    return gateResult('latency', 'failed', problems.join('; '), { measured, threshold, evidence });
  return gateResult(
    'latency',
    'passed',
    `candidate P50/P95/P99 ${cand.p50}/${cand.p95}/${cand.p99}ms; P95 ${ratio ?? '–'}× baseline (≤ ${spec.maxRegressionRatio}×)`,
    { measured, threshold, evidence },
  );
}
