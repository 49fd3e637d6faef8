import { GreenlightError } from '../errors.js';
import type { RolloutEvent } from './events.js';
import { type Phase, PRE_SWITCH_PHASES, TERMINAL_PHASES } from './phases.js';

/** An event that the table does not allow in the rollout's phase. */
export class IllegalTransitionError extends GreenlightError {
  readonly phase: Phase;
  readonly event: RolloutEvent;

  constructor(phase: Phase, event: RolloutEvent) {
    super('GL_ILLEGAL_TRANSITION', `event "${event}" is not allowed in phase ${phase}`);
    this.name = 'IllegalTransitionError';
    this.phase = phase;
    this.event = event;
  }
}

type Table = Partial<Record<Phase, Partial<Record<RolloutEvent, Phase>>>>;

// The one table (STYLE.md §3). `abort` and `error` apply to many phases and are added below so
// the per-phase rows stay readable.
const TABLE: Table = {
  Pending: { start: 'DeployingGreen' },
  DeployingGreen: { deployed: 'WaitingReady', candidateFailed: 'ValidationFailed' },
  // A candidate that never becomes ready is rejected like a failed health gate: it is the
  // candidate's fault, not the controller's, and the active slot was never touched.
  WaitingReady: { ready: 'WarmingUp', readyTimeout: 'ValidationFailed', candidateFailed: 'ValidationFailed' },
  WarmingUp: { warmedUp: 'Validating', bootstrapWarmedUp: 'Switching' },
  Validating: {
    validationPassed: 'AwaitingPromotion',
    validationPassedAutoSwitch: 'SwitchDelay',
    // Inconclusive is not evidence of safety: it never switches automatically.
    validationInconclusive: 'AwaitingPromotion',
    validationFailed: 'ValidationFailed',
  },
  // With rollout steps, "go on" leads to the first step; `promote --full` skips them.
  AwaitingPromotion: { promote: 'Switching', stepsBegin: 'Stepping', promoteFull: 'Switching' },
  SwitchDelay: {
    delayElapsed: 'Switching',
    promote: 'Switching',
    stepsBegin: 'Stepping',
    promoteFull: 'Switching',
  },
  // Each step is a self-transition, so its index and start are committed before its weight is set.
  Stepping: {
    stepElapsed: 'Stepping',
    stepsDone: 'Switching',
    promoteFull: 'Switching',
    ruleBreached: 'RolledBack',
    rollbackRequested: 'RolledBack',
  },
  Switching: { switched: 'Observing', bootstrapped: 'Complete' },
  Observing: {
    ruleBreached: 'RolledBack',
    rollbackRequested: 'RolledBack',
    windowElapsed: 'TearingDownBlue',
    teardownRefused: 'Failed',
  },
  TearingDownBlue: { tornDown: 'Complete' },
};

for (const phase of PRE_SWITCH_PHASES) TABLE[phase] = { ...TABLE[phase], abort: 'Aborted' };
for (const phase of Object.keys(TABLE) as Phase[]) {
  if (!TERMINAL_PHASES.includes(phase)) TABLE[phase] = { ...TABLE[phase], error: 'Failed' };
}

/** Where `event` leads from `phase`, or undefined when the pair is not in the table. */
export function nextPhase(phase: Phase, event: RolloutEvent): Phase | undefined {
  return TABLE[phase]?.[event];
}

/** Where `event` leads from `phase`; throws IllegalTransitionError (GL_ILLEGAL_TRANSITION) otherwise. */
export function transition(phase: Phase, event: RolloutEvent): Phase {
  const next = nextPhase(phase, event);
  if (next === undefined) throw new IllegalTransitionError(phase, event);
  return next;
}

/** Every (phase, event, next) row, for docs and tests. */
export function transitionRows(): { phase: Phase; event: RolloutEvent; next: Phase }[] {
  const rows: { phase: Phase; event: RolloutEvent; next: Phase }[] = [];
  for (const [phase, events] of Object.entries(TABLE) as [Phase, Partial<Record<RolloutEvent, Phase>>][]) {
    for (const [event, next] of Object.entries(events) as [RolloutEvent, Phase][])
      rows.push({ phase, event, next });
  }
  return rows;
}
