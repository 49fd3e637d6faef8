import { InvalidDocumentError } from '../errors.js';
import type { ResourceUsage } from '../platform/types.js';
import type { EncodedRequest, Protocol } from '../protocols/protocol.js';
import { protocolFor } from '../protocols/registry.js';
import type { RouterControl } from '../router/types.js';
import { DEFAULT_OUTPUT, protocolDefaults } from '../spec/server.js';
import type { GateName, OutputSpec, ServerSpec, ValidationSpec } from '../spec/types.js';
import { ALL_GATES } from '../spec/validation-defaults.js';
import { type Clock, systemClock } from './clock.js';
import { agreementGate } from './gates/agreement.js';
import { distributionGate } from './gates/distribution.js';
import { healthGate } from './gates/health.js';
import { latencyGate, type Role, roundPlan } from './gates/latency.js';
import { modelCardGate } from './gates/model-card.js';
import { judgeResourceRounds, MIN_ROUNDS, resourceRoundsDecision, resourcesGate } from './gates/resources.js';
import { errorResult, gateResult } from './gates/result.js';
import { schemaGate } from './gates/schema.js';
import { createHttpClient, type HttpClient } from './http.js';
import { createPairBuffer, type PairBuffer } from './pairs/buffer.js';
import { encodeSamples } from './pairs/encode-samples.js';
import { firstMappingError, stopAtMappingError } from './pairs/mapping-errors.js';
import { replayPairs } from './pairs/replay.js';
import type { Sample } from './pairs/samples-file.js';
import { shadowPairs } from './pairs/shadow.js';
import { sliceCounts, stratifiedOrder } from './pairs/stratify.js';
import { metricsResourceMonitor, probeResourceMonitor, type ResourceMonitor } from './resource-monitor.js';
import { planFor } from './sample-size-report.js';
import { measureSelfAgreement } from './self-agreement.js';
import type { ComparisonPair, GateResult } from './types.js';

/** What runValidation reports while it works (the CLI's progress line, the controller's status). */
export type ValidationProgress =
  | { type: 'gate-started'; gate: GateName }
  | { type: 'pairs'; compared: number; agreed: number; cap: number }
  | { type: 'gate-finished'; result: GateResult };

export interface ValidationInput {
  spec: ValidationSpec;
  /** Base URL(s) of the color serving users (first replica, or all replicas). */
  baseline: string | string[];
  /** Base URL(s) of the color under validation. */
  candidate: string | string[];
  /** The version the candidate serves; when absent, read from its responses (x-model-version). */
  candidateVersion?: string;
  /** Absolute path of the candidate's model card. */
  candidateCard?: string;
  /** Parsed samples: replayed to both colors when spec.source is samples/both, and the latency gate's request texts. */
  samples?: readonly Sample[];
  /** Live shadow pairs (spec.source shadow/both). */
  router?: Pick<RouterControl, 'shadowPairs'>;
  /** Only shadow pairs after this sequence number (those captured since the candidate went live). */
  shadowSince?: number;
  /** Any other pair source; replaces samples/router as the source of comparison pairs. */
  pairs?: AsyncIterable<ComparisonPair>;
  /** CPU/RSS of a color sampled over `sampleMs` (the local platform reads the OS); default: each server's /metrics. */
  resourceProbe?: (role: Role, sampleMs: number) => Promise<ResourceUsage>;
  /** OIP model name on both servers (default: each server section's modelName, "model"). */
  oipModelName?: string;
  /** How each side is spoken to (they may differ: a FastAPI baseline, a Triton candidate); default greenlight's. */
  baselineServer?: ServerSpec;
  candidateServer?: ServerSpec;
  /** How predictions are compared (spec.output); default labels. */
  output?: OutputSpec;
  onProgress?: (event: ValidationProgress) => void;
  signal?: AbortSignal;
  clock?: Clock;
  http?: HttpClient;
  /**
   * A gate whose input was not given (modelCard without a card) is `skipped` rather than failed:
   * `greenlight validate` runs whatever it was given. The controller leaves it off — there the
   * spec asked for the gate, so a missing card fails it.
   */
  skipGatesWithoutInput?: boolean;
  /** Samples replayed concurrently (default 4). */
  replayConcurrency?: number;
}

/**
 * The distribution statistics need this many pairs (or the cap, if smaller); they top up to it.
 * At 100, PSI's sampling noise alone (about (bins − 1)(1/n + 1/m) ≈ 0.18 on average at 10 bins)
 * crossed 0.25 for spam-v2 against v1 in 11 of 20 stratified replay orders; at 299, in none.
 */
export const DISTRIBUTION_PAIRS = 300;

const list = (u: string | string[]) => (Array.isArray(u) ? u : [u]);

async function* concat(...sources: AsyncIterable<ComparisonPair>[]): AsyncGenerator<ComparisonPair> {
  for (const s of sources) yield* s;
}

type Sides = { baseline: Protocol; candidate: Protocol };

function pairSource(
  input: ValidationInput,
  http: HttpClient,
  clock: Clock,
  signal: AbortSignal,
  protocols: Sides,
  output: OutputSpec,
): AsyncIterable<ComparisonPair> {
  if (input.pairs) return input.pairs;
  const sources: AsyncIterable<ComparisonPair>[] = [];
  const { source } = input.spec;
  if ((source === 'samples' || source === 'both') && input.samples?.length) {
    sources.push(
      replayPairs({
        client: http,
        baseline: list(input.baseline),
        candidate: list(input.candidate),
        samples: input.samples,
        // Stratified by slice so every slice is sampled from the start, whatever the file's row order.
        order: stratifiedOrder(input.samples, input.spec.seed ?? 1),
        concurrency: input.replayConcurrency,
        signal,
        protocols,
        kind: output.kind,
      }),
    );
  }
  if ((source === 'shadow' || source === 'both') && input.router) {
    sources.push(
      shadowPairs({
        router: input.router,
        clock,
        since: input.shadowSince,
        signal,
        decoding: { protocols, kind: output.kind },
      }),
    );
  }
  return concat(...sources);
}

/** How each side is spoken to and how their answers compare (greenlight's protocol and labels by default). */
function speech(input: ValidationInput) {
  const servers = {
    baseline: input.baselineServer ?? protocolDefaults('greenlight'),
    candidate: input.candidateServer ?? protocolDefaults('greenlight'),
  };
  const protocols: Sides = {
    baseline: protocolFor(servers.baseline),
    candidate: protocolFor(servers.candidate),
  };
  return { servers, protocols, output: input.output ?? DEFAULT_OUTPUT };
}

type Calls = Record<Role, EncodedRequest[]>;

/** The samples encoded by each side's protocol; the InvalidDocumentError naming the rows that cannot be. */
function encodeUpFront(
  samples: readonly Sample[] | undefined,
  protocols: Sides,
): Calls | InvalidDocumentError | undefined {
  if (!samples?.length) return undefined;
  try {
    return encodeSamples(samples, protocols);
  } catch (err) {
    if (err instanceof InvalidDocumentError) return err;
    throw err;
  }
}

/** Requests from the pairs' inputs (shadowed user requests); one the other side cannot take is left out. */
function encodePairInputs(pairs: readonly ComparisonPair[], protocols: Sides): Calls {
  const out: Calls = { baseline: [], candidate: [] };
  for (const p of pairs) {
    try {
      const b = protocols.baseline.encode(p.input);
      const c = protocols.candidate.encode(p.input);
      out.baseline.push(b);
      out.candidate.push(c);
    } catch {
      // not sendable to both: no load from it
    }
  }
  return out;
}

/** The version a candidate reported in its answers (header, else body.model_version). */
function observedVersion(pairs: readonly ComparisonPair[]): string | undefined {
  for (const p of pairs) {
    if (p.candidate.version) return p.candidate.version;
    const v = (p.candidate.body as { model_version?: unknown } | null)?.model_version;
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/**
 * Run the spec's gates against a baseline and a candidate and return one result per gate, in
 * ALL_GATES order. Gates never throw: measurement problems are `error` results. When the health
 * gate does not pass, the remaining gates are reported as `error` ("not run") instead of
 * hammering a server that is not up.
 */
export async function runValidation(input: ValidationInput): Promise<GateResult[]> {
  const { spec } = input;
  const clock = input.clock ?? systemClock();
  const http = input.http ?? createHttpClient({ connections: Math.max(16, spec.latency.concurrency) });
  const enabled = ALL_GATES.filter((g) => spec.gates.includes(g));
  const results: GateResult[] = [];
  const { servers, protocols, output } = speech(input);
  // Every sample must be encodable by both sides before any traffic: a bad row is named by line.
  const encoded = encodeUpFront(input.samples, protocols);
  if (encoded instanceof InvalidDocumentError) {
    if (!input.http) await http.close().catch(() => undefined);
    const why = `samples cannot be sent: ${encoded.problems.map((p) => `${p.path}: expected ${p.expected}, found ${p.found}`).join('; ')}`;
    return enabled.map((gate) => errorResult(gate, why, { problems: encoded.problems }));
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  input.signal?.addEventListener('abort', onAbort, { once: true });
  // Sampling has a deadline (live shadow traffic may trickle); gates see it through the signal.
  const timer = setTimeout(onAbort, spec.timeoutSeconds * 1000);
  timer.unref?.();
  const signal = controller.signal;
  const buffer: PairBuffer = createPairBuffer(
    pairSource(input, http, clock, signal, protocols, output),
    spec.shadowTrafficSampleSize,
  );
  const monitor: ResourceMonitor = input.resourceProbe
    ? probeResourceMonitor(input.resourceProbe)
    : metricsResourceMonitor({
        client: http,
        urls: { baseline: list(input.baseline), candidate: list(input.candidate) },
        clock,
      });
  // The latency gate's requests: the samples, else the inputs of the pairs seen (shadow traffic).
  const calls = () => encoded ?? encodePairInputs(buffer.pairs, protocols);
  /** A pair-reading gate whose pairs hold an answer the mapping cannot read reports that instead. */
  const mappingGuard = (gate: GateName, pairs: readonly ComparisonPair[], result: () => GateResult) => {
    const bad = firstMappingError(pairs);
    return bad ? errorResult(gate, bad.message, bad.evidence) : result();
  };
  const cap = spec.shadowTrafficSampleSize;
  const plan = roundPlan(spec.latency);
  const selfAgreement = async () => {
    const mode = spec.selfAgreement ?? 'off';
    if (mode === 'off') return undefined;
    if (!replaying || !input.samples?.length)
      return { error: `selfAgreement "${mode}" needs samples to replay to the baseline` };
    return measureSelfAgreement({
      mode,
      client: http,
      baseline: list(input.baseline),
      samples: input.samples,
      order: stratifiedOrder(input.samples, spec.seed ?? 1),
      count: Math.min(cap, 200),
      threshold: spec.agreementThreshold,
      scoreTolerance: spec.scoreTolerance,
      protocol: protocols.baseline,
      output,
      signal,
    });
  };
  const replaying = !input.pairs && (spec.source === 'samples' || spec.source === 'both');

  const run: Record<GateName, () => Promise<GateResult>> = {
    health: () =>
      healthGate({
        client: http,
        candidate: list(input.candidate),
        waitSeconds: spec.healthCheckWaitSeconds,
        retries: spec.healthCheckRetries,
        clock,
        signal: input.signal,
        server: servers.candidate,
      }),
    agreement: async () => {
      // Non-deterministic baseline: measure its own agreement first and hold the candidate to it.
      const self = await selfAgreement();
      if (self && 'error' in self) return errorResult('agreement', self.error);
      const judged = self ? { ...spec, agreementThreshold: self.effectiveThreshold } : spec;
      const r = await agreementGate({
        pairs: stopAtMappingError(buffer.iterate()),
        spec: judged,
        clock,
        declaredSlices: replaying ? sliceCounts(input.samples ?? []) : undefined,
        signal,
        output,
        onPair: (p) => input.onProgress?.({ type: 'pairs', ...p }),
      });
      return mappingGuard('agreement', buffer.pairs, () => {
        // What these settings need, said with every result (the CLI prints it before the run).
        const needs = planFor(judged);
        const sampleSize = {
          fixedN: needs.fixedN,
          recommendedCap: needs.recommendedCap,
          warning: needs.warning ?? null,
        };
        const evidence = { ...r.evidence, sampleSize, ...(self ? { selfAgreement: self } : {}) };
        const summary = self
          ? `${r.summary} (against the baseline's self-agreement ${self.agreed}/${self.pairs}: threshold ${self.effectiveThreshold})`
          : r.summary;
        return { ...r, summary, evidence };
      });
    },
    schema: async () => {
      const pairs = await buffer.fill(Math.min(cap, 20));
      const result = await schemaGate({
        client: http,
        baseline: list(input.baseline)[0],
        candidate: list(input.candidate)[0],
        pairs,
        oipModelName: input.oipModelName,
        baselineServer: servers.baseline,
        candidateServer: servers.candidate,
      });
      return mappingGuard('schema', pairs, () => result);
    },
    distribution: async () => {
      const pairs = await buffer.fill(Math.min(cap, DISTRIBUTION_PAIRS));
      return mappingGuard('distribution', pairs, () =>
        distributionGate({ pairs, spec: spec.distribution, kind: output.kind }),
      );
    },
    modelCard: async () => {
      // No card given: the gate has no input, so it has no verdict.
      if (input.candidateCard === undefined && input.skipGatesWithoutInput)
        return gateResult('modelCard', 'skipped', 'skipped: no model card given for the candidate', {
          evidence: { skipped: true, reason: "no model card given (--card, or the spec slot's modelCard)" },
        });
      const version = input.candidateVersion ?? observedVersion(await buffer.fill(1));
      return modelCardGate({ cardPath: input.candidateCard, deployedVersion: version });
    },
    latency: async () => {
      if (calls().candidate.length === 0) await buffer.fill(1);
      const requests = calls();
      // The measurement load must be the only validation traffic to these replicas: stop the
      // replay (its in-flight samples settle) and the shadow poller before the first round.
      await buffer.close().catch(() => undefined);
      return latencyGate({
        client: http,
        baseline: list(input.baseline),
        candidate: list(input.candidate),
        calls: requests,
        spec: spec.latency,
        clock,
        signal: input.signal,
        monitor: enabled.includes('resources') ? monitor : undefined,
        // The resources gate judges the same rounds: while its interval straddles, measure more.
        othersUndecided: enabled.includes('resources')
          ? () => {
              const ph = monitor.phases();
              // Without readings (no /metrics) more rounds cannot help it.
              if (Math.min(ph.baseline.length, ph.candidate.length) < MIN_ROUNDS) return false;
              return (
                resourceRoundsDecision(judgeResourceRounds(ph, spec.resources, plan.alpha)) === 'undecided'
              );
            }
          : undefined,
      });
    },
    resources: async () => {
      if (!enabled.includes('latency')) {
        // No load run to watch: sample each color for a second as it idles.
        for (const role of ['baseline', 'candidate'] as const) {
          await monitor.start(role, 1000);
          await clock.sleep(1000, input.signal);
          await monitor.stop(role, 0);
        }
      }
      return resourcesGate({
        readings: monitor.readings(),
        phases: monitor.phases(),
        alpha: plan.alpha,
        spec: spec.resources,
        source: monitor.source,
      });
    },
  };

  try {
    let blocked: string | undefined;
    for (const gate of enabled) {
      if (blocked) {
        results.push({
          ...errorResult(gate, `not run: ${blocked}`),
          evidence: { skipped: true, reason: blocked },
        });
        continue;
      }
      input.onProgress?.({ type: 'gate-started', gate });
      let result: GateResult;
      try {
        result = await run[gate]();
      } catch (err) {
        result = errorResult(gate, `${gate} gate crashed: ${(err as Error).message}`);
      }
      results.push(result);
      input.onProgress?.({ type: 'gate-finished', result });
      if (gate === 'health' && result.status !== 'passed') blocked = `the health gate is ${result.status}`;
      if (input.signal?.aborted) blocked = 'validation aborted';
    }
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onAbort);
    controller.abort();
    await buffer.close().catch(() => undefined);
    if (!input.http) await http.close().catch(() => undefined);
  }
  return results;
}
