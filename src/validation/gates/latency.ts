import type { Histogram } from 'hdr-histogram-js';
import type { EncodedRequest } from '../../protocols/protocol.js';
import type { LatencySpec } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import type { HttpClient } from '../http.js';
import { createLatencyHistogram, runLoadPhase } from '../load.js';
import { runPairedLoad } from '../paired-load.js';
import type { GateResult } from '../types.js';
import { type IntervalVerdict, intervalText, judgeOnInterval, looks } from './interval-rule.js';
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
   * Asked at each look once this gate has decided: true while another judge of the same rounds
   * (the resources gate) still straddles its limit, so more rounds are measured for it.
   */
  othersUndecided?: () => boolean;
  /**
   * Added to both P95s of a round before their ratio: loopback answers of a fraction of a
   * millisecond jitter by more than 20%, which is no regression anyone would notice. Default 0.
   */
  noiseFloorMs?: number;
  /** Candidate error ratio under load above which the gate fails. Default 0.01. */
  maxErrorRatio?: number;
  /** Error allowed to each bound of each interval over all looks (Bonferroni-split). Default 0.05. */
  alpha?: number;
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

/** One round's percentiles per color (ms); null when that color answered nothing in it. */
interface Round {
  baseline: { p50: number; p95: number; p99: number } | null;
  candidate: { p50: number; p95: number; p99: number } | null;
}

const ms = (h: Histogram, pct: number) => round(h.getValueAtPercentile(pct) / 1000, 3);

function summarise(h: Histogram, t: Totals): Measured {
  return {
    p50: ms(h, 50),
    p95: ms(h, 95),
    p99: ms(h, 99),
    max: round(h.maxValue / 1000, 3),
    count: h.totalCount,
    requests: t.requests,
    errors: t.errors,
    errorSamples: [...t.errorSamples],
    rps: round(t.requests / (t.ms / 1000), 1),
  };
}

/** The rounds measured so far and both colors' totals; `round()` runs one more (AB or BA). */
function createRounds(input: LatencyGateInput) {
  const { spec } = input;
  const urls: Record<Role, string[]> = { baseline: input.baseline, candidate: input.candidate };
  const hist = { baseline: createLatencyHistogram(), candidate: createLatencyHistogram() };
  const totals: Record<Role, Totals> = {
    baseline: { requests: 0, errors: 0, errorSamples: new Set(), ms: 0 },
    candidate: { requests: 0, errors: 0, errorSamples: new Set(), ms: 0 },
  };
  const rounds: Round[] = [];
  const common = {
    client: input.client,
    texts: input.texts,
    concurrency: spec.concurrency,
    clock: input.clock,
    signal: input.signal,
  };
  // Each color gets durationSeconds of load over the first minRounds rounds, as the seed's
  // phases did; a round loads both colors at once, interleaved (paired-load.ts).
  const roundMs = (spec.durationSeconds * 1000) / (spec.minRounds ?? 8);
  const roles = ['baseline', 'candidate'] as const;
  const percentiles = (h: Histogram) =>
    h.totalCount > 0 ? { p50: ms(h, 50), p95: ms(h, 95), p99: ms(h, 99) } : null;
  return {
    rounds,
    phaseMs: roundMs,
    async warmUp() {
      for (const role of roles)
        await runLoadPhase({
          ...common,
          calls: input.calls?.[role],
          urls: urls[role],
          requests: spec.warmupRequests,
        });
    },
    async round() {
      const h = { baseline: createLatencyHistogram(), candidate: createLatencyHistogram() };
      try {
        for (const role of roles) await input.monitor?.start(role, roundMs).catch(() => undefined);
        const p = await runPairedLoad({
          ...common,
          calls: input.calls,
          urls,
          durationMs: roundMs,
          histograms: h,
        });
        for (const role of roles) {
          await input.monitor?.stop(role, p.requests[role]).catch(() => undefined);
          const t = totals[role];
          t.requests += p.requests[role];
          t.errors += p.errors[role];
          t.ms += p.elapsedMs;
          for (const e of p.errorSamples[role]) t.errorSamples.add(e);
          hist[role].add(h[role]);
        }
        rounds.push({ baseline: percentiles(h.baseline), candidate: percentiles(h.candidate) });
      } finally {
        h.baseline.destroy();
        h.candidate.destroy();
      }
    },
    summaries: () => ({
      baseline: summarise(hist.baseline, totals.baseline),
      candidate: summarise(hist.candidate, totals.candidate),
    }),
    destroy() {
      hist.baseline.destroy();
      hist.candidate.destroy();
    },
  };
}

type Verdicts = { name: string; verdict: IntervalVerdict; unit: string }[];

/** Every interval the gate judges at this look: the P95 ratio, and each absolute SLA that is set. */
function judge(spec: LatencySpec, rounds: readonly Round[], floor: number, alpha: number): Verdicts {
  const both = rounds.filter((r) => r.baseline && r.candidate) as {
    baseline: Round['candidate'] & {};
    candidate: Round['candidate'] & {};
  }[];
  const out: Verdicts = [
    {
      name: 'P95 ratio',
      unit: '×',
      verdict: judgeOnInterval(
        both.map((r) => (r.candidate.p95 + floor) / (r.baseline.p95 + floor)),
        spec.maxRegressionRatio,
        alpha,
      ),
    },
  ];
  const own = rounds.flatMap((r) => (r.candidate ? [r.candidate] : []));
  for (const [key, bound] of [
    ['p50', spec.p50Ms],
    ['p95', spec.p95Ms],
    ['p99', spec.p99Ms],
  ] as const) {
    if (bound === undefined) continue;
    out.push({
      name: `candidate ${key.toUpperCase()}`,
      unit: 'ms',
      verdict: judgeOnInterval(
        own.map((c) => c[key]),
        bound,
        alpha,
      ),
    });
  }
  return out;
}

function overall(verdicts: Verdicts): 'passed' | 'failed' | 'undecided' {
  if (verdicts.some((v) => v.verdict.status === 'failed')) return 'failed';
  return verdicts.every((v) => v.verdict.status === 'passed') ? 'passed' : 'undecided';
}

/** How many rounds are measured and when the rule looks; each look gets α / looks per bound. */
export function roundPlan(spec: LatencySpec, alpha = 0.05) {
  const minRounds = Math.max(5, spec.minRounds ?? 8);
  const maxRounds = Math.max(minRounds, spec.maxRounds ?? 20);
  const at = looks(minRounds, maxRounds);
  return { minRounds, maxRounds, looks: at, alpha: alpha / at.length };
}

/**
 * Latency gate: warm each color up (unrecorded), then measure paired rounds — closed-loop load
 * with `spec.concurrency` requests in flight, alternating between the colors request by request
 * (paired-load.ts) — and judge the
 * per-round P95 ratio candidate/baseline, and the candidate's own per-round percentiles against
 * any absolute SLA, on Hodges–Lehmann intervals (gates/interval-rule.ts): failed only when an
 * interval lies wholly above its limit, passed when every one lies at or below, otherwise rounds
 * are added 4 at a time up to `maxRounds`, then `inconclusive`. More than 1% failed requests under
 * load fails. A ratio per round (not of the pooled P95s) is what makes it robust: both colors of
 * a round were measured in the same instants, so whatever else the machine did hit both.
 */
export async function latencyGate(input: LatencyGateInput): Promise<GateResult> {
  const { spec } = input;
  const { looks: at, alpha } = roundPlan(spec, input.alpha);
  const floor = input.noiseFloorMs ?? 0;
  const maxErrorRatio = input.maxErrorRatio ?? 0.01;
  if ((input.calls?.candidate.length ?? input.texts?.length ?? 0) === 0)
    return errorResult('latency', 'no requests to send');
  const m = createRounds(input);
  try {
    let verdicts: Verdicts = [];
    let decision: 'passed' | 'failed' | 'undecided' = 'undecided';
    try {
      await m.warmUp();
      for (const n of at) {
        while (m.rounds.length < n && !input.signal?.aborted) await m.round();
        verdicts = judge(spec, m.rounds, floor, alpha);
        decision = overall(verdicts);
        if (decision === 'failed' || input.signal?.aborted) break;
        if (decision === 'passed' && !input.othersUndecided?.()) break;
      }
    } catch (err) {
      return errorResult('latency', `load generation failed: ${(err as Error).message}`);
    }
    const s = m.summaries();
    for (const role of ['baseline', 'candidate'] as const) {
      if (s[role].count === 0) {
        return errorResult(
          'latency',
          `${role} answered no request under load (${s[role].errorSamples.join('; ') || 'no response'})`,
          { [role]: s[role] },
        );
      }
    }
    return latencyResult(spec, s, verdicts, decision, {
      rounds: m.rounds,
      phaseMs: m.phaseMs,
      floor,
      maxErrorRatio,
      looks: at,
    });
  } finally {
    m.destroy();
  }
}

function latencyResult(
  spec: LatencySpec,
  s: Record<Role, Measured>,
  verdicts: Verdicts,
  decision: 'passed' | 'failed' | 'undecided',
  run: { rounds: Round[]; phaseMs: number; floor: number; maxErrorRatio: number; looks: number[] },
): GateResult {
  const { baseline: base, candidate: cand } = s;
  const ratio = verdicts[0].verdict;
  const errorRatio = cand.requests > 0 ? round(cand.errors / cand.requests, 4) : 0;
  const measured = {
    p50Ms: cand.p50,
    p95Ms: cand.p95,
    p99Ms: cand.p99,
    baselineP95Ms: base.p95,
    ratio: Number.isFinite(ratio.estimate) ? ratio.estimate : null,
    ratioLower: ratio.lower,
    ratioUpper: Number.isFinite(ratio.upper) ? ratio.upper : null,
    rounds: run.rounds.length,
    errorRatio,
  };
  const threshold = {
    p50Ms: spec.p50Ms ?? null,
    p95Ms: spec.p95Ms ?? null,
    p99Ms: spec.p99Ms ?? null,
    baselineP95Ms: null,
    ratio: spec.maxRegressionRatio,
    errorRatio: run.maxErrorRatio,
  };
  const problems = verdicts
    .filter((v) => v.verdict.status === 'failed')
    .map((v) =>
      v.name === 'P95 ratio'
        ? `candidate P95 ${intervalText(v.verdict)} × baseline P95, all above ${spec.maxRegressionRatio}×`
        : `${v.name} ${intervalText(v.verdict, 'ms')}ms, all above SLA ${v.verdict.limit}ms`,
    );
  if (errorRatio > run.maxErrorRatio)
    problems.push(`candidate failed ${round(errorRatio * 100, 2)}% of requests under load`);
  const evidence = {
    baseline: base,
    candidate: cand,
    intervals: Object.fromEntries(verdicts.map((v) => [v.name, v.verdict])),
    method: 'Hodges–Lehmann interval of per-round log ratios (signed-rank bounds), Bonferroni over looks',
    rounds: run.rounds,
    noiseFloorMs: run.floor,
    load: {
      concurrency: spec.concurrency,
      roundMs: round(run.phaseMs, 1),
      warmupRequests: spec.warmupRequests,
      looks: run.looks,
    },
    problems,
  };
  const parts = { measured, threshold, evidence };
  if (problems.length > 0) return gateResult('latency', 'failed', problems.join('; '), parts);
  const all = verdicts
    .map((v) => `${v.name} ${intervalText(v.verdict, v.unit === 'ms' ? 'ms' : '×')}`)
    .join(', ');
  if (decision === 'passed')
    return gateResult(
      'latency',
      'passed',
      `candidate P50/P95/P99 ${cand.p50}/${cand.p95}/${cand.p99}ms; P95 ${intervalText(ratio)} baseline over ${run.rounds.length} rounds (≤ ${spec.maxRegressionRatio}×)`,
      parts,
    );
  return gateResult(
    'latency',
    'inconclusive',
    `undecided after ${run.rounds.length} rounds: ${all} straddle the limits (P95 ratio ≤ ${spec.maxRegressionRatio}×)`,
    parts,
  );
}
