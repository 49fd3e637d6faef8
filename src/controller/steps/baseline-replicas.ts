import { patchContext } from '../commit.js';
import { fingerprint, lastDeployed } from '../plan.js';
import type { RolloutContext } from '../rollout-context.js';
import type { StepInput } from './step.js';

/**
 * Observing with observation.baselineReplicas: keep only N warm replicas of the previous slot
 * (the seed's "cheaper instances for the old deployment during observation"). The router drops
 * the replicas about to stop before they stop (sticky sessions may still reach the slot); the
 * platform keeps the first N, so both agree on which ones stay. Safe to repeat at any point.
 */
export async function scaleDownBaseline(input: StepInput): Promise<void> {
  const { deps, rollout, spec, actor } = input;
  const n = spec.observation.baselineReplicas;
  if (n === undefined || input.ctx.baselineScaled?.done) return;
  const color = rollout.baseline;
  const full = spec[color];
  // Only a slot that runs what the spec says can be redeployed with fewer replicas of the same
  // thing; a slot whose spec was edited since it last served would be replaced, not scaled.
  const same = lastDeployed(deps.store, spec.name)[color] === fingerprint(full);
  const skip =
    n >= full.replicas ? `it has only ${full.replicas}` : same ? null : 'its spec changed since it served';
  const now = deps.clock.now();
  const to = skip === null ? n : full.replicas;
  if (skip === null && !input.ctx.baselineScaled) {
    // Persisted before the slot shrinks: a rollback that comes before this step finishes (an
    // operator's, after a restart) must still know to scale the slot back up.
    input.ctx = patchContext(deps.store, rollout.id, { baselineScaled: { from: full.replicas, to, at: now } })
      .context as RolloutContext;
  }
  if (skip === null) {
    const keep = (await deps.platform.status(spec.name, color)).replicas.slice(0, n);
    await deps.router.setBackends(
      color,
      keep.map((r) => r.url),
    );
    await deps.platform.deploy(spec.name, color, { ...full, replicas: n });
  }
  const done = { from: full.replicas, to, at: input.ctx.baselineScaled?.at ?? now, done: true };
  input.ctx = patchContext(deps.store, rollout.id, { baselineScaled: done }, [
    {
      time: now,
      kind: 'scale',
      actor,
      data: {
        color,
        version: rollout.baselineVersion,
        from: full.replicas,
        to,
        why: skip === null ? 'observation.baselineReplicas' : `not scaled to ${n}: ${skip}`,
      },
    },
  ]).context as RolloutContext;
}

/**
 * After a rollback: the warm replicas already serve everyone; bring the slot back to its full
 * replicas and give the router the new ones once they are ready. False while they are not ready
 * yet (the next pass asks again; deploying what runs keeps it).
 */
export async function scaleBaselineBack(input: StepInput): Promise<boolean> {
  const { deps, rollout, spec, actor } = input;
  const scaled = input.ctx.baselineScaled;
  if (!scaled || scaled.to >= scaled.from || input.ctx.baselineRestored) return true;
  const color = rollout.baseline;
  const s = await deps.platform.deploy(spec.name, color, { ...spec[color], replicas: scaled.from });
  if (s.readyReplicas < scaled.from) {
    deps.log.info('waiting for the previous slot to scale back up', {
      ready: s.readyReplicas,
      want: scaled.from,
    });
    return false;
  }
  await deps.router.setBackends(
    color,
    s.replicas.map((r) => r.url),
  );
  const now = deps.clock.now();
  input.ctx = patchContext(deps.store, rollout.id, { baselineRestored: { replicas: scaled.from, at: now } }, [
    {
      time: now,
      kind: 'scale',
      actor,
      data: { color, version: rollout.baselineVersion, from: scaled.to, to: scaled.from, why: 'rollback' },
    },
  ]).context as RolloutContext;
  return true;
}
