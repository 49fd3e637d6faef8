import type { RouterState } from '../../router/types.js';
import { canarySteps } from '../../spec/rollout.js';
import type { Color } from '../../spec/types.js';
import type { AuditEntry } from '../../store/types.js';
import { patchContext } from '../commit.js';
import type { RolloutContext } from '../rollout-context.js';
import { evaluate } from './observe.js';
import type { Step, StepInput, StepResult } from './step.js';

/**
 * Stepping (spec.rollout.steps): the candidate gets the current step's share of user traffic
 * through the router's weights, the rules compare it with the baseline's share read for the same
 * window, and once the step's pause has passed the next step begins (its index and start are
 * committed first, then the weight is set: a restart finds the router already at it and does not
 * set it again). After the last split step the rollout moves on to the switch.
 */
export const stepTraffic: Step = async (input) => {
  const { deps, spec } = input;
  const steps = canarySteps(spec);
  const step = input.ctx.step;
  // A spec without split steps here (re-applied mid-rollout is refused, so only a hand-edit): switch.
  if (!step || step.index >= steps.length) return { event: 'stepsDone', reason: 'no split step left' };
  if (step.appliedAt === undefined) await applyWeight(input, step);
  const now = deps.clock.now();
  const where = `at step ${step.index + 1}/${steps.length} (${step.weight}% to ${input.rollout.candidate})`;
  if (now >= (input.ctx.nextEvalAt ?? 0)) {
    const breach = await evaluate(input, now, { where });
    if (breach) return breach;
  }
  const pause = steps[step.index].pauseSeconds;
  // No pause: the step holds until an operator's `promote` (next step) or `promote --full`.
  if (pause === undefined || now < step.startedAt + pause * 1000) return 'wait';
  // A pending rule may be about to fire: do not give the candidate more traffic until it settles.
  if (Object.values(input.ctx.rules ?? {}).some((r) => r?.state === 'pending')) return 'wait';
  return nextStep(input, now) ?? { event: 'stepsDone' };
};

type Where = Pick<StepInput, 'spec' | 'ctx' | 'rollout'>;

/**
 * The transition out of the current step (or, before the first, into it): the next step with its
 * index and start, or the switch after the last. Null when the spec has no split step.
 */
export function nextStep(input: Where, now: number): Exclude<StepResult, 'wait'> | null {
  const steps = canarySteps(input.spec);
  if (steps.length === 0) return null;
  const index = (input.ctx.step?.index ?? -1) + 1;
  if (index >= steps.length) return { event: 'stepsDone', audit: { steps: steps.length } };
  return {
    event: index === 0 ? 'stepsBegin' : 'stepElapsed',
    reason: `step ${index + 1}/${steps.length}: ${steps[index].weight}% to ${input.rollout.candidate}`,
    context: firstOrNext(index, steps[index].weight, now),
    audit: { step: index + 1, of: steps.length, weight: steps[index].weight },
  };
}

/** The context a step begins with (committed with the transition into it). */
export function firstOrNext(index: number, weight: number, now: number): Partial<RolloutContext> {
  return { step: { index, weight, startedAt: now }, nextEvalAt: now };
}

/** Router weights for `weight` percent to the candidate. */
export function weightsFor(candidate: Color, weight: number): Record<Color, number> {
  return candidate === 'green'
    ? { blue: 100 - weight, green: weight }
    : { blue: weight, green: 100 - weight };
}

function sameWeights(a: RouterState['weights'], b: Record<Color, number>): boolean {
  return a !== null && a.blue === b.blue && a.green === b.green;
}

// Set the step's weight unless the router already has it (a restart after the call), then record
// it with the share statement the audit timeline reads (SwitchAuditData with `shares`).
async function applyWeight(input: StepInput, step: NonNullable<RolloutContext['step']>): Promise<void> {
  const { deps, rollout, actor } = input;
  const want = weightsFor(rollout.candidate, step.weight);
  const state = await deps.router.state();
  if (!sameWeights(state.weights, want)) await deps.router.setWeights(want);
  const at = deps.clock.now();
  const steps = canarySteps(input.spec);
  const baselineVersion = rollout.baselineVersion ?? input.spec[rollout.baseline].modelVersion;
  const record: Omit<AuditEntry, 'deployment' | 'rolloutId'> = {
    time: at,
    kind: 'weights',
    actor,
    data: {
      step: step.index + 1,
      of: steps.length,
      weight: step.weight,
      weights: want,
      from: null,
      to: state.active,
      fromVersion: null,
      toVersion: baselineVersion,
      generation: state.generation,
      switchedAt: at,
      shares: [
        { color: rollout.baseline, version: baselineVersion, percent: 100 - step.weight },
        { color: rollout.candidate, version: rollout.candidateVersion, percent: step.weight },
      ],
      statement: `from ${new Date(at).toISOString()} ${step.weight}% of requests are served by ${rollout.candidateVersion} (${rollout.candidate}), ${100 - step.weight}% by ${baselineVersion} (${rollout.baseline})`,
    },
  };
  input.ctx = patchContext(deps.store, rollout.id, { step: { ...step, appliedAt: at } }, [record])
    .context as RolloutContext;
}
