import { judgeProbe } from '../../protocols/probe.js';
import { protocolDefaults } from '../../spec/server.js';
import type { ServerSpec } from '../../spec/types.js';
import type { Clock } from '../clock.js';
import { describeNetworkError, type HttpClient, joinUrl } from '../http.js';
import type { GateResult } from '../types.js';
import { errorResult, gateResult, round } from './result.js';

export interface HealthGateInput {
  client: HttpClient;
  /** The candidate's replica URLs: every one must answer. */
  candidate: string[];
  /** Seed semantics: the candidate has healthCheckWaitSeconds × healthCheckRetries to become ready. */
  waitSeconds: number;
  retries: number;
  clock: Clock;
  signal?: AbortSignal;
  /** The candidate's server section: its health and readiness probes (default greenlight's /health, /ready). */
  server?: ServerSpec;
}

type Probe = { ok: true } | { ok: false; reachable: boolean; detail: string };

async function probe(client: HttpClient, url: string, timeoutMs: number, server: ServerSpec): Promise<Probe> {
  for (const rule of [server.health, server.readiness]) {
    try {
      const r = await client.request('GET', joinUrl(url, rule.path), undefined, timeoutMs);
      const seen = judgeProbe(rule, r.status, r.text);
      if (!seen.ok) return { ok: false, reachable: true, detail: `GET ${rule.path}: ${seen.detail}` };
    } catch (err) {
      return { ok: false, reachable: false, detail: `GET ${rule.path}: ${describeNetworkError(err)}` };
    }
  }
  return { ok: true };
}

interface ReplicaReport {
  url: string;
  status: 'ready' | 'not ready' | 'unreachable';
  attempts: number;
  readyAfterSeconds?: number;
  last?: string;
}

/** Poll one replica until it is ready or the deadline leaves no room for another poll. */
async function waitForReplica(
  input: HealthGateInput,
  url: string,
  started: number,
  deadline: number,
): Promise<ReplicaReport> {
  const { clock } = input;
  const intervalMs = Math.min(1000, input.waitSeconds * 1000);
  const timeoutMs = Math.max(100, Math.min(5000, input.waitSeconds * 1000));
  let attempts = 0;
  let everReachable = false;
  for (;;) {
    attempts++;
    const last = await probe(input.client, url, timeoutMs, input.server ?? protocolDefaults('greenlight'));
    if (last.ok)
      return { url, status: 'ready', attempts, readyAfterSeconds: round((clock.now() - started) / 1000, 3) };
    if (last.reachable) everReachable = true;
    if (clock.now() + intervalMs > deadline || input.signal?.aborted) {
      return { url, status: everReachable ? 'not ready' : 'unreachable', attempts, last: last.detail };
    }
    await clock.sleep(intervalMs, input.signal);
  }
}

/**
 * Health gate: each candidate replica must pass its server section's health and readiness probes
 * (greenlight: 200 on /health and /ready; OIP v2: /v2/health/live and /ready; …) before the deadline
 * (waitSeconds × retries), polled at most once a second. Never answering at all is `error`
 * (nothing measured); answering but never ready is `failed`.
 */
export async function healthGate(input: HealthGateInput): Promise<GateResult> {
  const { clock } = input;
  const budgetMs = input.waitSeconds * input.retries * 1000;
  const started = clock.now();
  const replicas: ReplicaReport[] = [];
  for (const url of input.candidate)
    replicas.push(await waitForReplica(input, url, started, started + budgetMs));
  const measured = {
    readyReplicas: replicas.filter((r) => r.status === 'ready').length,
    seconds: round((clock.now() - started) / 1000, 3),
  };
  const threshold = { replicas: input.candidate.length, deadlineSeconds: budgetMs / 1000 };
  const unreachable = replicas.find((r) => r.status === 'unreachable');
  if (unreachable) {
    return {
      ...errorResult('health', `candidate ${unreachable.url} unreachable: ${unreachable.last}`, { replicas }),
      measured,
      threshold,
    };
  }
  const bad = replicas.find((r) => r.status !== 'ready');
  if (bad) {
    return gateResult(
      'health',
      'failed',
      `candidate ${bad.url} not ready within ${budgetMs / 1000}s (${bad.last})`,
      { measured, threshold, evidence: { replicas } },
    );
  }
  return gateResult(
    'health',
    'passed',
    `${replicas.length}/${replicas.length} candidate replica(s) healthy and ready`,
    {
      measured,
      threshold,
      evidence: { replicas },
    },
  );
}
