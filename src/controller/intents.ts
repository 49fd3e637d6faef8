import type { Color, DeploymentSpec } from '../spec/types.js';
import type { IntentRecord, RolloutRecord } from '../store/types.js';
import { commitTransition, phaseOf } from './commit.js';
import type { ControllerDeps } from './deps.js';
import type { RolloutEvent } from './events.js';
import { isTerminal, type Phase } from './phases.js';
import { pickCandidate, startRollout } from './plan.js';
import type { RolloutContext } from './rollout-context.js';
import { nextStep } from './steps/step-traffic.js';
import { nextPhase } from './transitions.js';

const EVENT_OF: Record<'promote' | 'rollback' | 'abort', RolloutEvent> = {
  promote: 'promote',
  rollback: 'rollbackRequested',
  abort: 'abort',
};

/**
 * Consume every pending intent, oldest first (STYLE.md §9: commands record intent, the controller
 * acts). Each is consumed in the same transaction as its audit record and whatever it changes, so an
 * intent is never acted on twice nor lost. Refused intents are consumed with an audit record saying why.
 */
export async function consumeIntents(deps: ControllerDeps, actor: string): Promise<void> {
  for (const intent of deps.store.pendingIntents()) {
    try {
      if (intent.kind === 'apply') await applyIntent(deps, intent, actor);
      else operatorIntent(deps, intent as IntentRecord & { kind: 'promote' | 'rollback' | 'abort' });
    } catch (err) {
      // A malformed intent must not block every later one (and every later pass): refuse it.
      // A store that cannot write will fail here too, and the pass ends with that error.
      refuse(deps, intent, `could not be applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function refuse(
  deps: ControllerDeps,
  intent: IntentRecord,
  why: string,
  rolloutId: number | null = null,
): false {
  deps.store.transaction(() =>
    consume(deps, intent, rolloutId, { accepted: false, why, reason: intent.reason }),
  );
  deps.log.warn('intent refused', { deployment: intent.deployment, intent: intent.kind, why });
  return false;
}

function accept(
  deps: ControllerDeps,
  intent: IntentRecord,
  rolloutId: number | null,
  extra: Record<string, unknown> = {},
) {
  consume(deps, intent, rolloutId, { accepted: true, reason: intent.reason, ...extra });
}

/** Consume the intent and audit what became of it (one record per intent, accepted or not). */
function consume(
  deps: ControllerDeps,
  intent: IntentRecord,
  rolloutId: number | null,
  outcome: { accepted: boolean } & Record<string, unknown>,
): void {
  deps.store.consumeIntent(intent.id);
  deps.store.appendAudit({
    time: deps.clock.now(),
    deployment: intent.deployment,
    rolloutId,
    kind: 'intent',
    actor: intent.actor,
    data: { intent: intent.kind, intentId: intent.id, ...outcome },
  });
}

function operatorIntent(
  deps: ControllerDeps,
  intent: IntentRecord & { kind: 'promote' | 'rollback' | 'abort' },
): boolean {
  const d = deps.store.getDeployment(intent.deployment);
  const rollout = d?.currentRolloutId != null ? deps.store.getRollout(d.currentRolloutId) : undefined;
  if (!rollout) return refuse(deps, intent, `deployment ${intent.deployment} has no rollout in progress`);
  const phase = phaseOf(rollout);
  const promoted =
    intent.kind === 'promote' ? promotion(rollout, phase, intent.payload.full === true, deps) : null;
  const event = promoted?.event ?? EVENT_OF[intent.kind];
  if (isTerminal(phase) || nextPhase(phase, event) === undefined) {
    const hint =
      intent.kind === 'rollback' && !isTerminal(phase)
        ? '; before the switch use abort'
        : intent.kind === 'abort' && !isTerminal(phase)
          ? '; after the switch use rollback'
          : '';
    return refuse(deps, intent, `${intent.kind} is not possible in phase ${phase}${hint}`, rollout.id);
  }
  const who = `${intent.actor}${intent.reason ? `: ${intent.reason}` : ''}`;
  deps.store.transaction(() => {
    accept(deps, intent, rollout.id, intent.payload.full === true ? { full: true } : {});
    commitTransition(deps, rollout.id, event, {
      actor: intent.actor,
      reason: `${intent.kind}${intent.payload.full === true ? ' --full' : ''} requested by ${who}`,
      ...(promoted?.context ? { context: promoted.context } : {}),
      ...(promoted?.audit ? { audit: promoted.audit } : {}),
      ...(intent.kind === 'rollback'
        ? {
            context: {
              breach: {
                rule: 'operator',
                measured: null,
                threshold: null,
                detail: `requested by ${who}`,
                actor: intent.actor,
              },
            },
          }
        : {}),
    });
  });
  return true;
}

/**
 * What `promote` means where the rollout is: with rollout steps, "go on" begins the first step
 * (before it) or the next one (during them); `--full` skips every remaining step and switches.
 */
function promotion(
  rollout: RolloutRecord,
  phase: Phase,
  full: boolean,
  deps: ControllerDeps,
): { event: RolloutEvent; context?: Partial<RolloutContext>; audit?: Record<string, unknown> } | null {
  if (full) return { event: 'promoteFull' };
  if (phase !== 'Stepping' && phase !== 'AwaitingPromotion' && phase !== 'SwitchDelay') return null;
  const input = { spec: rollout.spec, ctx: rollout.context as RolloutContext, rollout };
  return nextStep(input, deps.clock.now());
}

async function applyIntent(deps: ControllerDeps, intent: IntentRecord, actor: string): Promise<boolean> {
  const { store, clock } = deps;
  const spec = intent.payload.spec as DeploymentSpec | undefined;
  if (!spec || typeof spec !== 'object' || spec.name !== intent.deployment) {
    return refuse(deps, intent, `apply needs payload.spec whose name is ${intent.deployment}`);
  }
  const existing = store.getDeployment(spec.name);
  if (existing?.currentRolloutId != null) {
    const r = store.getRollout(existing.currentRolloutId);
    return refuse(
      deps,
      intent,
      `rollout ${existing.currentRolloutId} is in progress (phase ${r?.phase}); wait for it, or abort/roll it back, then apply again`,
      existing.currentRolloutId,
    );
  }
  const active: Color = existing?.activeColor ?? 'blue';
  // Bootstrap when no slot serves yet, or the serving slot's replicas are gone (e.g. the machine rebooted).
  const running = existing?.activeColor
    ? (await deps.platform.status(spec.name, active)).replicas.length > 0
    : false;
  store.transaction(() => {
    const now = clock.now();
    const d = store.putDeployment({
      name: spec.name,
      spec,
      activeColor: existing?.activeColor ?? null,
      versions: existing?.versions ?? {},
      generation: existing?.generation ?? 0,
      currentRolloutId: null,
    });
    if (!running) {
      const next = pickCandidate(store, spec, active);
      accept(deps, intent, null, { plan: 'bootstrap', slot: active, thenCandidate: next.candidate });
      startRollout(
        store,
        d,
        active,
        { bootstrap: true, ...(next.candidate ? { thenCandidate: next.candidate } : {}) },
        actor,
        now,
      );
      return;
    }
    const next = pickCandidate(store, spec, active);
    if (next.candidate === null) {
      accept(deps, intent, null, { plan: 'none', why: next.why });
      return;
    }
    accept(deps, intent, null, { plan: 'rollout', candidate: next.candidate });
    startRollout(store, d, next.candidate, {}, actor, now);
  });
  return true;
}
