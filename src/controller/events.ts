/**
 * What can happen to a rollout. Steps and operator intents produce events; the transition table
 * (transitions.ts) says where each one leads from each phase.
 */
export const EVENTS = [
  /** The controller picked the rollout up. */
  'start',
  /** The platform accepted the candidate's replicas. */
  'deployed',
  /** Every candidate replica answers /ready. */
  'ready',
  /** readyTimeoutSeconds passed without every replica ready. */
  'readyTimeout',
  /** The candidate cannot run: its replicas exited (bad model file…) or its spec is unusable. */
  'candidateFailed',
  /** Warm-up requests were sent. */
  'warmedUp',
  /** Bootstrap: the first slot is warm; it becomes active without validation (nothing to compare with). */
  'bootstrapWarmedUp',
  /** Every gate passed and autoSwitch is off: wait for an operator. */
  'validationPassed',
  /** Every gate passed and autoSwitch is on: wait switchDelaySeconds, then switch. */
  'validationPassedAutoSwitch',
  /** The worst gate is inconclusive: never switch automatically, an operator decides. */
  'validationInconclusive',
  /** A gate failed or erred. */
  'validationFailed',
  /** Operator: switch now. */
  'promote',
  /** switchDelaySeconds passed. */
  'delayElapsed',
  /** Validation passed (delay elapsed or promoted) and the spec has rollout steps: begin the first. */
  'stepsBegin',
  /** The current step's pause passed (or an operator promoted): the next step begins. */
  'stepElapsed',
  /** The last split step is over: switch all traffic. */
  'stepsDone',
  /** Operator (`promote --full`): skip the remaining steps and switch now. */
  'promoteFull',
  /** The router serves the candidate. */
  'switched',
  /** Bootstrap: the router serves the first slot. */
  'bootstrapped',
  /** An observation rule fired (for its `for:` duration). */
  'ruleBreached',
  /** Operator: go back to the previous slot. */
  'rollbackRequested',
  /** The observation window passed and the safety checks hold. */
  'windowElapsed',
  /** The window passed but a safety check refuses teardown (seed cleanup-blue.sh exits 1). */
  'teardownRefused',
  /** The previous slot is stopped. */
  'tornDown',
  /** Operator: stop this rollout before the switch. */
  'abort',
  /** A step kept failing; the controller gives up on this rollout. */
  'error',
] as const;

export type RolloutEvent = (typeof EVENTS)[number];
