import type { ControlPlaneClient } from '../cli/client.js';
import type { AuditRecord } from '../store/types.js';
import type { DeploymentView } from './deployment-view.js';
import { isTerminalPhase } from './deployment-view.js';
import { renderAuditLine } from './render.js';

export interface FollowOptions {
  name: string;
  /** The apply's intent id and audit seq (from POST /api/deployments). */
  intentId: number;
  sinceSeq: number;
  /** Newest rollout id before the apply; rollouts with a bigger id are this apply's. */
  previousRolloutId: number;
  json: boolean;
  out: (line: string) => void;
  pollMs?: number;
  /** Give up after this long (0 = follow until the rollout ends). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called with every view of this apply's rollout (the demo plays the operator here). */
  onView?: (view: DeploymentView) => void | Promise<void>;
}

export interface FollowResult {
  /** Terminal phase of the last rollout, "Unchanged" (nothing to roll out), "Refused", or "Detached". */
  outcome: string;
  reason: string | null;
  rolloutId: number | null;
}

type Poll = { records: AuditRecord[]; view: DeploymentView } | 'unreachable';

async function poll(client: ControlPlaneClient, name: string, since: number): Promise<Poll> {
  const enc = encodeURIComponent(name);
  try {
    const { records } = await client.get<{ records: AuditRecord[] }>(
      `/api/audit?deployment=${enc}&since=${since}`,
    );
    return { records, view: await client.get<DeploymentView>(`/api/deployments/${enc}`) };
  } catch (err) {
    // The control plane may be restarting; the rollout is durable, keep following.
    if ((err as { code?: string }).code === 'GL_CONTROL_PLANE_UNREACHABLE') return 'unreachable';
    throw err;
  }
}

/** The controller's answer to this apply when it ends the follow: refused, or nothing to do. */
function verdict(r: AuditRecord, intentId: number): FollowResult | undefined {
  if (r.kind !== 'intent' || r.data.intentId !== intentId) return undefined;
  const why = String(r.data.why ?? '');
  if (r.data.accepted === false) return { outcome: 'Refused', reason: why, rolloutId: null };
  if (r.data.plan === 'none') return { outcome: 'Unchanged', reason: why, rolloutId: null };
  return undefined;
}

/**
 * A rollout has ended once its terminal phase is committed and its clean-up is done (`finalized`:
 * traffic restored, the unneeded slot stopped), so what the CLI prints next is the settled state.
 * A bootstrap that chains into a candidate rollout is not the end of the apply.
 */
export function rolloutEnded(v: DeploymentView): boolean {
  const r = v.rollout!;
  const chained =
    r.context.bootstrap === true && r.context.thenCandidate !== undefined && r.phase === 'Complete';
  return isTerminalPhase(r.phase) && r.context.finalized === true && !chained;
}

/** Print new audit records; returns the controller's verdict on this apply if one ends the follow. */
function printRecords(
  records: AuditRecord[],
  o: FollowOptions,
  state: { seq: number },
): FollowResult | undefined {
  for (const r of records) {
    state.seq = r.seq;
    const line = o.json ? JSON.stringify({ event: 'audit', record: r }) : renderAuditLine(r);
    if (line) o.out(line);
    const v = verdict(r, o.intentId);
    if (v) return v;
  }
  return undefined;
}

/** Print the records the last poll's audit read was too early for (best effort: the rollout has ended). */
async function drainRecords(client: ControlPlaneClient, o: FollowOptions, state: { seq: number }) {
  const p = await poll(client, o.name, state.seq);
  if (p !== 'unreachable') printRecords(p.records, o, state);
}

/** Show the samples count while validating; returns the result once this apply's rollout ended. */
async function onRollout(view: DeploymentView, o: FollowOptions, state: { samples: string }) {
  const r = view.rollout;
  if (!r || r.id <= o.previousRolloutId) return undefined;
  await o.onView?.(view);
  const samples = r.context.samples as { compared: number; target: number } | undefined;
  const shown = samples ? `${samples.compared}/${samples.target}` : '';
  if (shown !== state.samples && r.phase === 'Validating') {
    state.samples = shown;
    o.out(
      o.json ? JSON.stringify({ event: 'samples', ...samples }) : `    samples compared so far: ${shown}`,
    );
  }
  return rolloutEnded(view) ? { outcome: r.phase, reason: r.reason, rolloutId: r.id } : undefined;
}

/**
 * Follow an apply until its rollout ends, printing each audit record (phase changes, gate results as
 * they arrive) and the count of compared samples. Polls the API, so following survives a restart of
 * the control plane (the rollout resumes and so does the display).
 */
export async function followRollout(client: ControlPlaneClient, o: FollowOptions): Promise<FollowResult> {
  const state = { seq: o.sinceSeq, samples: '' };
  const until = o.timeoutMs ? Date.now() + o.timeoutMs : Number.POSITIVE_INFINITY;
  const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));
  while (!o.signal?.aborted && Date.now() < until) {
    const p = await poll(client, o.name, state.seq);
    if (p === 'unreachable') {
      o.out(o.json ? JSON.stringify({ event: 'unreachable' }) : '  (control plane unreachable; retrying)');
      await sleep(1_000);
      continue;
    }
    const verdictDone = printRecords(p.records, o, state);
    if (verdictDone) return verdictDone;
    const ended = await onRollout(p.view, o, state);
    if (ended) {
      // records written between the two reads of this poll (the last gate results, the end itself)
      await drainRecords(client, o, state);
      return ended;
    }
    await sleep(o.pollMs ?? 500);
  }
  return { outcome: 'Detached', reason: null, rolloutId: null };
}
