import { foundText, type Problem } from './check.js';
import type { DeploymentSpec, RolloutStepSpec } from './types.js';

/**
 * The steps that split traffic (weight below 100), in order. The 100% step is the switch itself,
 * implied when the list does not end with it; an empty result means one atomic switch.
 */
export function canarySteps(spec: Pick<DeploymentSpec, 'rollout'>): RolloutStepSpec[] {
  return (spec.rollout?.steps ?? []).filter((s) => s.weight < 100);
}

/**
 * Weights only go up (going back is a rollback, which has its own command), and 100 is the
 * switch: after it the observation window watches, so a pause there would mean nothing.
 */
export function checkRolloutSteps(spec: DeploymentSpec, problems: Problem[]): void {
  const steps = spec.rollout?.steps ?? [];
  steps.forEach((step, i) => {
    const at = ['spec', 'rollout', 'steps', i];
    const prev = i > 0 ? steps[i - 1].weight : 0;
    if (typeof step.weight === 'number' && typeof prev === 'number' && step.weight <= prev) {
      problems.push({
        at: [...at, 'weight'],
        expected: `a weight above the previous step's ${prev} (weights increase)`,
        found: foundText(step.weight),
      });
    }
    if (step.weight === 100 && step.pauseSeconds !== undefined) {
      problems.push({
        at: [...at, 'pause'],
        expected: 'no pause on the 100% step (it is the switch; observation.window watches after it)',
        found: foundText(step.pauseSeconds),
      });
    }
  });
}
