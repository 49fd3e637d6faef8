/**
 * The pipeline's phases (DESIGN.md "The pipeline"), a closed union (STYLE.md §2).
 * Slots alternate between rollouts, so "Green" and "Blue" in two names are the seed's words for
 * "the candidate slot" and "the previous active slot" (docs/internals.md "Slots and roles").
 */
export const PHASES = [
  /** Recorded, nothing done yet. */
  'Pending',
  /** Asking the platform to start the candidate slot's replicas. */
  'DeployingGreen',
  /** Waiting for every candidate replica to answer /ready, up to readyTimeoutSeconds. */
  'WaitingReady',
  /** Sending warmupRequests predictions to each candidate replica. */
  'WarmingUp',
  /** Running the validation gates (samples replay and/or router shadow traffic). */
  'Validating',
  /** Validation passed (or was inconclusive); waiting for an operator's `promote`. */
  'AwaitingPromotion',
  /** Validation passed and autoSwitch is on; waiting switchDelaySeconds before switching. */
  'SwitchDelay',
  /** Staged rollout: the router splits traffic by the current step's weight; rules compare the two shares. */
  'Stepping',
  /** Switching the router to the candidate (recorded as intended before the router is called). */
  'Switching',
  /** Traffic is on the candidate; rules watch it for the observation window, the previous slot stays warm. */
  'Observing',
  /** Window over and safety checks passed: draining and stopping the previous active slot. */
  'TearingDownBlue',
  /** The candidate serves all traffic and the previous slot is gone. */
  'Complete',
  /** A gate failed or erred, or the candidate never became ready: candidate torn down, active untouched. */
  'ValidationFailed',
  /** A rule breached or an operator asked: traffic is back on the previous slot, candidate torn down. */
  'RolledBack',
  /** An operator aborted before the switch: candidate torn down, active untouched. */
  'Aborted',
  /** An error the controller could not recover from; traffic stays where it safely is. */
  'Failed',
] as const;

export type Phase = (typeof PHASES)[number];

/** Phases a rollout ends in. */
export const TERMINAL_PHASES: readonly Phase[] = [
  'Complete',
  'ValidationFailed',
  'RolledBack',
  'Aborted',
  'Failed',
];

/** Phases in which the candidate has never received a user request (an `abort` is allowed there). */
export const PRE_SWITCH_PHASES: readonly Phase[] = [
  'Pending',
  'DeployingGreen',
  'WaitingReady',
  'WarmingUp',
  'Validating',
  'AwaitingPromotion',
  'SwitchDelay',
];

/** True when a rollout in `phase` has ended (its clean-up may still be running). */
export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

/** True for the failure exits (every terminal phase but Complete). */
export function isFailure(phase: Phase): boolean {
  return isTerminal(phase) && phase !== 'Complete';
}

/** True before the switch: users have only ever been served by the baseline. */
export function isPreSwitch(phase: Phase): boolean {
  return PRE_SWITCH_PHASES.includes(phase);
}

/** Narrow a stored string to a Phase. */
export function isPhase(value: string): value is Phase {
  return (PHASES as readonly string[]).includes(value);
}
