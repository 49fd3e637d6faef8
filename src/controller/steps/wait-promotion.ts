import type { Step } from './step.js';
import { nextStep } from './step-traffic.js';

/** AwaitingPromotion: nothing to do until an operator's `promote` (or `abort`) intent arrives. */
export const awaitPromotion: Step = async () => 'wait';

/** SwitchDelay: once switchDelaySeconds have passed since validation passed, switch (or begin the rollout steps). */
export const switchDelay: Step = async (input) => {
  const now = input.deps.clock.now();
  if (now < (input.ctx.switchAt ?? 0)) return 'wait';
  return nextStep(input, now) ?? { event: 'delayElapsed' };
};
