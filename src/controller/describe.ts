import { canarySteps } from '../spec/rollout.js';
import type { Color } from '../spec/types.js';
import type { IntentKind, RolloutRecord, Store } from '../store/types.js';
import type { GateResult } from '../validation/types.js';
import type { RuleName, RuleState } from './observe/rule-state.js';
import { isPhase, isTerminal, type Phase } from './phases.js';
import type { RolloutContext } from './rollout-context.js';

/** A rollout as the API, the CLI and the dashboard show it. */
export interface RolloutView {
  id: number;
  phase: Phase;
  /** True once the rollout has ended (clean-up may still be finishing: see `finalized`). */
  terminal: boolean;
  finalized: boolean;
  bootstrap: boolean;
  baseline: Color;
  candidate: Color;
  baselineVersion: string | null;
  candidateVersion: string;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
  /** When the current phase was entered. */
  phaseSince: number | null;
  reason: string | null;
  gateResults: GateResult[];
  /** Shadow/sample pairs compared so far while validating. */
  samples: { compared: number; target: number } | null;
  /** SwitchDelay: when the switch happens. */
  switchAt: number | null;
  switched: RolloutContext['switched'] | null;
  /** Observing: when the window ends (teardown of the previous slot may start). */
  observationEndsAt: number | null;
  rules: Partial<Record<RuleName, RuleState>>;
  observed: RolloutContext['observed'] | null;
  breach: RolloutContext['breach'] | null;
  rolledBack: RolloutContext['rolledBack'] | null;
  /**
   * Stepping (spec.rollout.steps): the current step (1-based, of the split steps), the candidate's
   * weight, and when its pause ends (null: it holds until `greenlight promote`).
   */
  step: {
    number: number;
    of: number;
    weight: number;
    startedAt: number;
    pauseEndsAt: number | null;
    applied: boolean;
  } | null;
  /** observation.baselineReplicas: the previous slot's scale-down (and whether a rollback restored it). */
  baselineScaled: (RolloutContext['baselineScaled'] & { restored: boolean }) | null;
  /** The last step failure, while the controller retries it. */
  lastError: string | null;
}

/** What `greenlight status NAME` shows. */
export interface DeploymentStatus {
  name: string;
  /** The current rollout's phase, or 'Idle' when none is running. */
  phase: Phase | 'Idle';
  activeColor: Color | null;
  activeVersion: string | null;
  /** Model version each slot runs now. */
  versions: Partial<Record<Color, string>>;
  /** Router generation of the last switch or rollback the controller made. */
  generation: number;
  /** The rollout in progress, else the most recent one. */
  rollout: RolloutView | null;
  inProgress: boolean;
  /** Versions the applied spec names for each slot. */
  spec: Record<Color, { modelVersion: string; replicas: number; enabled: boolean }> | null;
  pendingIntents: { id: number; kind: IntentKind; actor: string; reason: string | null; createdAt: number }[];
  updatedAt: number | null;
}

/** The API's view of one rollout record. */
export function rolloutView(r: RolloutRecord): RolloutView {
  const ctx = r.context as RolloutContext;
  const phase: Phase = isPhase(r.phase) ? r.phase : 'Failed';
  return {
    id: r.id,
    phase,
    terminal: isTerminal(phase),
    finalized: ctx.finalized === true,
    bootstrap: ctx.bootstrap === true,
    baseline: r.baseline,
    candidate: r.candidate,
    baselineVersion: r.baselineVersion,
    candidateVersion: r.candidateVersion,
    startedAt: r.startedAt,
    updatedAt: r.updatedAt,
    endedAt: r.endedAt,
    phaseSince: ctx.phaseSince ?? null,
    reason: r.reason,
    gateResults: r.gateResults,
    samples: ctx.samples ?? null,
    switchAt: phase === 'SwitchDelay' ? (ctx.switchAt ?? null) : null,
    switched: ctx.switched ?? null,
    observationEndsAt:
      ctx.switched && !ctx.bootstrap ? ctx.switched.switchedAt + r.spec.observation.window * 1000 : null,
    rules: ctx.rules ?? {},
    observed: ctx.observed ?? null,
    breach: ctx.breach ?? null,
    rolledBack: ctx.rolledBack ?? null,
    step: phase === 'Stepping' ? stepView(r, ctx) : null,
    baselineScaled: ctx.baselineScaled
      ? { ...ctx.baselineScaled, restored: ctx.baselineRestored !== undefined }
      : null,
    lastError: ctx.lastError ?? null,
  };
}

function stepView(r: RolloutRecord, ctx: RolloutContext): RolloutView['step'] {
  const steps = canarySteps(r.spec);
  const step = ctx.step;
  if (!step) return null;
  const pause = steps[step.index]?.pauseSeconds;
  return {
    number: step.index + 1,
    of: steps.length,
    weight: step.weight,
    startedAt: step.startedAt,
    pauseEndsAt: pause === undefined ? null : step.startedAt + pause * 1000,
    applied: step.appliedAt !== undefined,
  };
}

/**
 * The status of deployment `name` from the store alone (no platform or router call, so it is
 * cheap and works while the data plane is down). Undefined when nothing was ever applied under
 * that name; a deployment whose first apply is not consumed yet shows as Idle with the intent.
 */
export function describeDeployment(store: Store, name: string): DeploymentStatus | undefined {
  const intents = store.pendingIntents(name).map((i) => ({
    id: i.id,
    kind: i.kind,
    actor: i.actor,
    reason: i.reason,
    createdAt: i.createdAt,
  }));
  const d = store.getDeployment(name);
  if (!d) {
    if (intents.length === 0) return undefined;
    return {
      name,
      phase: 'Idle',
      activeColor: null,
      activeVersion: null,
      versions: {},
      generation: 0,
      rollout: null,
      inProgress: false,
      spec: null,
      pendingIntents: intents,
      updatedAt: null,
    };
  }
  const current = d.currentRolloutId !== null ? store.getRollout(d.currentRolloutId) : undefined;
  const latest = current ?? store.listRollouts(name, 1)[0];
  const view = latest ? rolloutView(latest) : null;
  const slot = (c: Color) => ({
    modelVersion: d.spec[c].modelVersion,
    replicas: d.spec[c].replicas,
    enabled: d.spec[c].enabled,
  });
  return {
    name,
    phase: current && view ? view.phase : 'Idle',
    activeColor: d.activeColor,
    activeVersion: d.activeColor ? (d.versions[d.activeColor] ?? null) : null,
    versions: d.versions,
    generation: d.generation,
    rollout: view,
    inProgress: current !== undefined,
    spec: { blue: slot('blue'), green: slot('green') },
    pendingIntents: intents,
    updatedAt: d.updatedAt,
  };
}

/** Every deployment's status, by name. */
export function listDeploymentStatuses(store: Store): DeploymentStatus[] {
  return store
    .listDeployments()
    .map((d) => describeDeployment(store, d.name))
    .filter((s): s is DeploymentStatus => s !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The rollouts of `name`, newest first (`greenlight history`). */
export function rolloutHistory(store: Store, name: string, limit = 50): RolloutView[] {
  return store.listRollouts(name, limit).map(rolloutView);
}
