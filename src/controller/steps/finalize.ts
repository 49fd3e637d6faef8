import { otherColor } from '../../spec/types.js';
import { patchContext, updateDeployment } from '../commit.js';
import type { Phase } from '../phases.js';
import { pickCandidate, startRollout } from '../plan.js';
import type { RolloutContext } from '../rollout-context.js';
import { scaleBaselineBack } from './baseline-replicas.js';
import type { StepInput } from './step.js';
import { shadowOff } from './validate.js';

/**
 * Clean-up after a rollout reached a terminal phase. The phase was committed first; this finishes
 * its side effects (restore traffic, stop the slot nobody needs) and then marks the rollout
 * finalized and releases the deployment, in one transaction. Safe to repeat from the top.
 */
export async function finalize(input: StepInput, phase: Phase): Promise<void> {
  const { deps, rollout, validations } = input;
  // An abort during validation: stop the background run, its results no longer matter.
  validations.get(rollout.id)?.controller.abort();
  validations.delete(rollout.id);
  switch (phase) {
    case 'Complete':
      return finish(input, { keepCandidate: true });
    case 'RolledBack':
      // Traffic first (to the warm replicas, at once), then capacity, then the candidate goes.
      await restoreBaseline(input);
      if (!(await scaleBaselineBack(input))) return;
      return removeCandidate(input, true);
    case 'ValidationFailed':
    case 'Aborted':
      return removeCandidate(input, false);
    case 'Failed': {
      if (input.ctx.bootstrap) return finish(input, { keepCandidate: true });
      await shadowOff(input);
      const state = await deps.router.state();
      // Failed during a staged rollout's step: the baseline (which served everyone before) takes all.
      if (state.active !== rollout.candidate && input.ctx.step && !input.ctx.switched) await endSplit(input);
      // Traffic stays where it safely is: after a switch both slots are kept for an operator to
      // decide; before it, the candidate never served anyone and is removed.
      if (state.active === rollout.candidate) {
        // The switch happened but may never have been recorded (the step failed after the router
        // obeyed): finish records it, so the compliance trail has no gap.
        return finish(input, {
          keepCandidate: true,
          switched: { generation: state.generation, switchedAt: state.switchedAt },
        });
      }
      if (input.ctx.switched) return finish(input, { keepCandidate: true });
      return removeCandidate(input, false);
    }
    default:
      throw new Error(`finalize: ${phase} is not terminal`);
  }
}

/** Put traffic back on the baseline, exactly once (the rollback intent is persisted first). */
async function restoreBaseline(input: StepInput): Promise<void> {
  const { deps, rollout, actor, spec } = input;
  let ctx = input.ctx;
  if (ctx.rolledBack) return;
  const state = await deps.router.state();
  if (!ctx.rollbackIntent) {
    ctx = patchContext(deps.store, rollout.id, {
      rollbackIntent: { fromGeneration: state.generation, at: deps.clock.now() },
    }).context as RolloutContext;
  }
  let result = { generation: state.generation, switchedAt: state.switchedAt };
  // A staged rollout's step: the router never switched; its split ends when the weights go.
  if (state.weights !== null) await deps.router.setWeights(null);
  if (state.active === rollout.candidate) {
    const r = await deps.router.rollback();
    result = r.active === rollout.baseline ? r : await deps.router.switchTo(rollout.baseline);
  } else if (ctx.step && !ctx.switched) {
    result = { generation: state.generation, switchedAt: deps.clock.now() };
  }
  const at = new Date(result.switchedAt).toISOString();
  const breach = ctx.breach;
  patchContext(
    deps.store,
    rollout.id,
    { rolledBack: result },
    [
      {
        time: deps.clock.now(),
        kind: 'rollback',
        actor: breach?.actor ?? actor,
        data: {
          from: rollout.candidate,
          to: rollout.baseline,
          fromVersion: rollout.candidateVersion,
          toVersion: rollout.baselineVersion,
          generation: result.generation,
          switchedAt: result.switchedAt,
          rule: breach?.rule ?? null,
          measured: breach?.measured ?? null,
          threshold: breach?.threshold ?? null,
          detail: breach?.detail ?? null,
          statement: `from ${at} requests are served by ${rollout.baselineVersion} (${rollout.baseline}) again`,
        },
      },
    ],
    () => ({ activeColor: rollout.baseline, generation: result.generation }),
  );
  deps.metrics?.rolledBack(spec.name, breach?.rule ?? 'unknown');
  if (rollout.baselineVersion) deps.metrics?.setActive(spec.name, rollout.baseline, rollout.baselineVersion);
}

/**
 * A staged rollout failed before its switch: clear the router's weights and record, once, that
 * the previous slot serves everyone again (the audit timeline's split must end somewhere).
 */
async function endSplit(input: StepInput): Promise<void> {
  const { deps, rollout, actor } = input;
  if (input.ctx.splitEnded) return;
  const state = await deps.router.state();
  if (state.weights !== null) await deps.router.setWeights(null);
  const at = deps.clock.now();
  const version = rollout.baselineVersion ?? input.spec[rollout.baseline].modelVersion;
  input.ctx = patchContext(deps.store, rollout.id, { splitEnded: at }, [
    {
      time: at,
      kind: 'weights',
      actor,
      data: {
        weights: null,
        from: rollout.candidate,
        to: rollout.baseline,
        fromVersion: rollout.candidateVersion,
        toVersion: version,
        generation: state.generation,
        switchedAt: at,
        shares: [{ color: rollout.baseline, version, percent: 100 }],
        statement: `from ${new Date(at).toISOString()} requests are served by ${version} (${rollout.baseline}) again; the rollout failed during its steps`,
      },
    },
  ]).context as RolloutContext;
}

async function removeCandidate(input: StepInput, drain: boolean): Promise<void> {
  const { deps, rollout, spec } = input;
  const color = rollout.candidate;
  await shadowOff(input);
  if (drain) await deps.router.waitIdle(color, spec.teardown.drainTimeoutSeconds * 1000);
  const state = await deps.router.state();
  // The router refuses to empty the active color (a failed bootstrap's slot may be it); its health
  // checks take the stopped replicas out instead.
  if (state.active !== color) await deps.router.setBackends(color, []);
  await deps.platform.teardown(spec.name, color, spec.teardown.stopTimeoutSeconds);
  return finish(input, { keepCandidate: false });
}

function finish(
  input: StepInput,
  opts: { keepCandidate: boolean; switched?: { generation: number; switchedAt: number } },
): void {
  const { deps, rollout, actor } = input;
  const { store } = deps;
  store.transaction(() => {
    const now = deps.clock.now();
    const current = store.getRollout(rollout.id)!;
    const ctx = current.context as RolloutContext;
    store.updateRollout(rollout.id, { context: { ...current.context, finalized: true } });
    if (!opts.keepCandidate) {
      store.appendAudit({
        time: now,
        deployment: rollout.deployment,
        rolloutId: rollout.id,
        kind: 'teardown',
        actor,
        data: { color: rollout.candidate, version: rollout.candidateVersion, phase: current.phase },
      });
    }
    const unrecorded =
      opts.switched && store.getDeployment(rollout.deployment)?.activeColor !== rollout.candidate;
    if (opts.switched && unrecorded) {
      store.appendAudit({
        time: now,
        deployment: rollout.deployment,
        rolloutId: rollout.id,
        kind: 'switch',
        actor,
        data: {
          from: rollout.baseline,
          to: rollout.candidate,
          fromVersion: rollout.baselineVersion,
          toVersion: rollout.candidateVersion,
          ...opts.switched,
          recordedLate: true,
        },
      });
    }
    const d = updateDeployment(store, rollout.deployment, (d) => {
      const versions = { ...d.versions };
      if (!opts.keepCandidate) delete versions[rollout.candidate];
      return {
        versions,
        currentRolloutId: null,
        ...(opts.switched ? { activeColor: rollout.candidate, generation: opts.switched.generation } : {}),
      };
    });
    if (current.phase === 'Complete' && ctx.bootstrap && ctx.thenCandidate && d.activeColor) {
      const next = pickCandidate(store, d.spec, d.activeColor);
      if (next.candidate === otherColor(d.activeColor))
        startRollout(store, d, next.candidate, {}, actor, now);
    }
  });
}
