import { type DeploymentStatus, describeDeployment } from '../controller/describe.js';
import type { Color } from '../spec/types.js';
import type { RolloutRecord, Store } from '../store/types.js';

/** Phases a rollout ends in (mirrors src/controller/phases.ts TERMINAL_PHASES; the API must not load the controller). */
const TERMINAL = new Set(['Complete', 'ValidationFailed', 'RolledBack', 'Aborted', 'Failed']);

/** True when `phase` ends a rollout. */
export function isTerminalPhase(phase: string): boolean {
  return TERMINAL.has(phase);
}

/** One deployment as the API and the CLI show it: built from store records only, so it is stable. */
export interface DeploymentView {
  name: string;
  /** null before the first apply has been picked up by the controller. */
  activeColor: Color | null;
  versions: Partial<Record<Color, string>>;
  generation: number;
  /** The current rollout's phase, else the last one's, else "Pending" (apply recorded, not yet picked up). */
  phase: string;
  /** The rollout in progress, or else the most recent one. */
  rollout: RolloutRecord | null;
  pendingIntents: { id: number; kind: string; actor: string; reason: string | null; createdAt: number }[];
  updatedAt: number | null;
  /** The controller's own description (src/controller/describe.ts): timers, rule states, last error. */
  status: DeploymentStatus | null;
}

/** The view of `name`, or undefined when neither a deployment nor a pending apply by that name exists. */
export function describeView(store: Store, name: string): DeploymentView | undefined {
  const dep = store.getDeployment(name);
  const pending = store.pendingIntents(name).map(({ id, kind, actor, reason, createdAt }) => ({
    id,
    kind,
    actor,
    reason,
    createdAt,
  }));
  if (!dep && pending.length === 0) return undefined;
  const rollout =
    (dep?.currentRolloutId != null ? store.getRollout(dep.currentRolloutId) : undefined) ??
    store.listRollouts(name, 1)[0] ??
    null;
  return {
    name,
    activeColor: dep?.activeColor ?? null,
    versions: dep?.versions ?? {},
    generation: dep?.generation ?? 0,
    phase: rollout?.phase ?? 'Pending',
    rollout,
    pendingIntents: pending,
    updatedAt: dep?.updatedAt ?? null,
    status: describeDeployment(store, name) ?? null,
  };
}

/** Every deployment the store knows, plus names that only have a pending apply. */
export function listViews(store: Store): DeploymentView[] {
  const names = new Set(store.listDeployments().map((d) => d.name));
  for (const i of store.pendingIntents()) names.add(i.deployment);
  return [...names]
    .sort()
    .map((n) => describeView(store, n))
    .filter((v): v is DeploymentView => v !== undefined);
}
