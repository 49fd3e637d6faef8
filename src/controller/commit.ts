import type { AuditEntry, DeploymentRecord, RolloutRecord, Store } from '../store/types.js';
import type { ControllerDeps } from './deps.js';
import type { RolloutEvent } from './events.js';
import { isPhase, isTerminal, type Phase } from './phases.js';
import type { RolloutContext } from './rollout-context.js';
import { transition } from './transitions.js';

export interface CommitOptions {
  actor: string;
  reason?: string;
  context?: Partial<RolloutContext>;
  /** Extra fields for the transition's audit record. */
  audit?: Record<string, unknown>;
  /** Further audit records written in the same transaction (e.g. the switch's compliance record). */
  extraAudit?: Omit<AuditEntry, 'deployment' | 'rolloutId'>[];
  /** Changes to the deployment record written in the same transaction. */
  deployment?: (d: DeploymentRecord) => Partial<DeploymentRecord>;
  /** Any other write that belongs to the same transaction. */
  within?: (store: Store) => void;
}

/** The stored phase of a rollout, checked. */
export function phaseOf(rollout: RolloutRecord): Phase {
  if (!isPhase(rollout.phase)) throw new Error(`rollout ${rollout.id} has unknown phase ${rollout.phase}`);
  return rollout.phase;
}

/**
 * Apply `event` to the rollout: the new phase, its context, its audit record and any deployment
 * change are one transaction, written before the step's side effects count as done. Throws
 * IllegalTransitionError (and writes nothing) when the table does not allow the event.
 */
export function commitTransition(
  deps: Pick<ControllerDeps, 'store' | 'clock' | 'metrics'>,
  rolloutId: number,
  event: RolloutEvent,
  opts: CommitOptions,
): RolloutRecord {
  const { store, clock } = deps;
  let from: Phase = 'Pending';
  let since: number | undefined;
  const updated = store.transaction(() => {
    const current = mustGetRollout(store, rolloutId);
    from = phaseOf(current);
    const to = transition(from, event);
    const now = clock.now();
    const old = current.context as RolloutContext;
    since = old.phaseSince;
    const context: RolloutContext = { ...old, ...opts.context, phaseSince: now, lastError: undefined };
    const rec = store.updateRollout(rolloutId, {
      phase: to,
      context: context as Record<string, unknown>,
      ...(opts.reason !== undefined || isTerminal(to) ? { reason: opts.reason ?? event } : {}),
      ...(isTerminal(to) ? { endedAt: now } : {}),
    });
    store.appendAudit({
      time: now,
      deployment: current.deployment,
      rolloutId,
      kind: 'transition',
      actor: opts.actor,
      data: { from, to, event, ...(opts.reason ? { reason: opts.reason } : {}), ...opts.audit },
    });
    for (const extra of opts.extraAudit ?? []) {
      store.appendAudit({ time: now, ...extra, deployment: current.deployment, rolloutId });
    }
    if (opts.deployment) updateDeployment(store, current.deployment, opts.deployment);
    opts.within?.(store);
    return rec;
  });
  deps.metrics?.setPhase(updated.deployment, updated.phase);
  if (since !== undefined)
    deps.metrics?.phaseSeconds(updated.deployment, from, Math.max(0, clock.now() - since) / 1000);
  return updated;
}

/** Merge `patch` into the rollout's context (and append `audit` records) in one transaction. */
export function patchContext(
  store: Store,
  rolloutId: number,
  patch: Partial<RolloutContext>,
  audit: Omit<AuditEntry, 'deployment' | 'rolloutId'>[] = [],
  deployment?: (d: DeploymentRecord) => Partial<DeploymentRecord>,
): RolloutRecord {
  return store.transaction(() => {
    const current = mustGetRollout(store, rolloutId);
    const rec = store.updateRollout(rolloutId, { context: { ...current.context, ...patch } });
    for (const a of audit) store.appendAudit({ ...a, deployment: current.deployment, rolloutId });
    if (deployment) updateDeployment(store, current.deployment, deployment);
    return rec;
  });
}

/** Read-modify-write of a deployment record (call inside a transaction). */
export function updateDeployment(
  store: Store,
  name: string,
  change: (d: DeploymentRecord) => Partial<DeploymentRecord>,
): DeploymentRecord {
  const d = store.getDeployment(name);
  if (!d) throw new Error(`deployment ${name} is not in the store`);
  const { createdAt: _c, updatedAt: _u, ...rest } = d;
  return store.putDeployment({ ...rest, ...change(d) });
}

export function mustGetRollout(store: Store, id: number): RolloutRecord {
  const r = store.getRollout(id);
  if (!r) throw new Error(`rollout ${id} is not in the store`);
  return r;
}
