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
  /** The candidate server's own checks (spec server.health, server.readiness); default greenlight's /health and /ready. */
  probes?: { path: string; status: number }[];
}

const GREENLIGHT_PROBES = [
  { path: '/health', status: 200 },
  { path: '/ready', status: 200 },
];

type Probe = { ok: true } | { ok: false; reachable: boolean; detail: string };

async function probe(
  client: HttpClient,
  url: string,
  timeoutMs: number,
  probes = GREENLIGHT_PROBES,
): Promise<Probe> {
  for (const { path, status } of probes) {
    try {
      const r = await client.request('GET', joinUrl(url, path), undefined, timeoutMs);
      if (r.status !== status)
        return { ok: false, reachable: true, detail: `GET ${path} answered ${r.status}` };
    } catch (err) {
      return { ok: false, reachable: false, detail: `GET ${path}: ${describeNetworkError(err)}` };
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
    const last = await probe(input.client, url, timeoutMs, input.probes);
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
 * Health gate: each candidate replica must answer 200 on /health and /ready before the deadline
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
