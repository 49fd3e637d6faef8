import { PHASES, type Phase, TERMINAL_PHASES } from '../controller/phases.js';

/**
 * The pipeline's phases as the metrics know them: the controller's closed union
 * (src/controller/phases.ts), so `greenlight_rollout_phase` exports one series per phase and
 * `phase="X"` in a rule always matches something.
 */
export const ROLLOUT_PHASES = PHASES;

export type RolloutPhaseName = Phase;

/** Phases a rollout ends in; "stuck" never applies to them. */
export { TERMINAL_PHASES };

/**
 * Phases that legitimately last long: waiting for a human (AwaitingPromotion) or the observation
 * window (days in the seed), or a rollout step's pause (minutes, or until promoted). The stuck-rollout alert excludes them.
 */
export const LONG_PHASES: readonly Phase[] = ['AwaitingPromotion', 'Stepping', 'Observing'];
