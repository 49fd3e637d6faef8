import type { Color, ColorSpec, DeploymentSpec } from '../spec/types.js';
import { otherColor } from '../spec/types.js';
import type { DeploymentRecord, RolloutRecord, Store } from '../store/types.js';
import type { RolloutContext } from './rollout-context.js';

/** What identifies "the same model in a slot": a change here makes the slot a candidate. */
export function fingerprint(spec: ColorSpec): string {
  const base = [spec.modelVersion, spec.model ?? null, spec.image ?? null, spec.modelPath ?? null];
  // What a slot's own server is made of; appended only when present, so the fingerprints of
  // slots recorded before these fields existed stay the same.
  const own =
    spec.command || spec.env || spec.cwd ? [spec.command ?? null, spec.env ?? null, spec.cwd ?? null] : [];
  return JSON.stringify([...base, ...own]);
}

const lastKey = (name: string) => `controller.lastDeployed.${name}`;

/**
 * Fingerprint of what each slot last ran as the serving slot (bootstrapped or switched to). Kept
 * after the slot is torn down, so re-applying an unchanged spec does not roll the old version out
 * again into the now idle slot.
 */
export function lastDeployed(store: Store, name: string): Partial<Record<Color, string>> {
  return store.getMeta<Partial<Record<Color, string>>>(lastKey(name)) ?? {};
}

/** Remember that `color` served `spec` (call inside the switch's transaction). */
export function recordDeployed(store: Store, name: string, color: Color, spec: ColorSpec): void {
  store.setMeta(lastKey(name), { ...lastDeployed(store, name), [color]: fingerprint(spec) });
}

/** The idle slot when it should be rolled out (enabled and changed since it last served), else why not. */
export function pickCandidate(
  store: Store,
  spec: DeploymentSpec,
  active: Color,
): { candidate: Color } | { candidate: null; why: string } {
  const idle = otherColor(active);
  if (!spec[idle].enabled) return { candidate: null, why: `${idle} is not enabled` };
  const last = lastDeployed(store, spec.name);
  if (last[idle] === fingerprint(spec[idle])) {
    // The usual mistake: editing the serving slot. Slots alternate; say so instead of doing nothing silently.
    const hint =
      last[active] !== undefined && last[active] !== fingerprint(spec[active])
        ? `; ${active} is serving and its spec changed: put the new version in ${idle} (the idle slot) to roll it out`
        : '';
    return {
      candidate: null,
      why: `${idle} (${spec[idle].modelVersion}) is unchanged since it last served${hint}`,
    };
  }
  return { candidate: idle };
}

/** Insert a Pending rollout and make it the deployment's current one (call inside a transaction). */
export function startRollout(
  store: Store,
  d: DeploymentRecord,
  candidate: Color,
  context: RolloutContext,
  actor: string,
  now: number,
): RolloutRecord {
  const baseline = otherColor(candidate);
  const r = store.insertRollout({
    deployment: d.name,
    phase: 'Pending',
    baseline,
    candidate,
    baselineVersion: context.bootstrap ? null : (d.versions[baseline] ?? d.spec[baseline].modelVersion),
    candidateVersion: d.spec[candidate].modelVersion,
    spec: d.spec,
    context: { ...context, phaseSince: now } as Record<string, unknown>,
    gateResults: [],
    reason: null,
  });
  const { createdAt: _c, updatedAt: _u, ...rest } = d;
  store.putDeployment({ ...rest, currentRolloutId: r.id });
  store.appendAudit({
    time: now,
    deployment: d.name,
    rolloutId: r.id,
    kind: 'rollout',
    actor,
    data: {
      event: 'started',
      bootstrap: context.bootstrap === true,
      baseline: context.bootstrap ? null : baseline,
      candidate,
      baselineVersion: r.baselineVersion,
      candidateVersion: r.candidateVersion,
    },
  });
  return r;
}
