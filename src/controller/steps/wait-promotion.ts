import type { Step } from './step.js';

/** AwaitingPromotion: nothing to do until an operator's `promote` (or `abort`) intent arrives. */
export const awaitPromotion: Step = async () => 'wait';

/** SwitchDelay: switch once switchDelaySeconds have passed since validation passed. */
export const switchDelay: Step = async ({ deps, ctx }) =>
  deps.clock.now() >= (ctx.switchAt ?? 0) ? { event: 'delayElapsed' } : 'wait';
