/**
 * The pipeline's phases as the metrics know them (DESIGN.md "The pipeline"). The controller owns
 * the Phase union (src/controller/phases.ts); this list must stay equal to it — a test checks it
 * once that file exists — so that `greenlight_rollout_phase` exports one series per phase and
 * `phase="X"` in a rule always matches something.
 */
export const ROLLOUT_PHASES = [
  'Pending',
  'DeployingGreen',
  'WaitingReady',
  'WarmingUp',
  'Validating',
  'AwaitingPromotion',
  'SwitchDelay',
  'Switching',
  'Observing',
  'TearingDownBlue',
  'Complete',
  'ValidationFailed',
  'RolledBack',
  'Aborted',
  'Failed',
] as const;

export type RolloutPhaseName = (typeof ROLLOUT_PHASES)[number];

/** Phases a rollout ends in; "stuck" never applies to them. */
export const TERMINAL_PHASES: readonly RolloutPhaseName[] = [
  'Complete',
  'ValidationFailed',
  'RolledBack',
  'Aborted',
  'Failed',
];

/**
 * Phases that legitimately last long: waiting for a human (AwaitingPromotion) or the observation
 * window (days in the seed). The stuck-rollout alert excludes them.
 */
export const LONG_PHASES: readonly RolloutPhaseName[] = ['AwaitingPromotion', 'Observing'];
