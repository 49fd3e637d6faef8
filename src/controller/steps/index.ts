import type { Phase } from '../phases.js';
import { deployCandidate } from './deploy-candidate.js';
import { observe } from './observe.js';
import { start } from './start.js';
import type { Step } from './step.js';
import { stepTraffic } from './step-traffic.js';
import { switchTraffic } from './switch.js';
import { teardownPrevious } from './teardown.js';
import { validate } from './validate.js';
import { awaitPromotion, switchDelay } from './wait-promotion.js';
import { waitReady } from './wait-ready.js';
import { warmUp } from './warm-up.js';

/** The step that moves a rollout on from each non-terminal phase (terminal ones run finalize). */
export const STEPS: Partial<Record<Phase, Step>> = {
  Pending: start,
  DeployingGreen: deployCandidate,
  WaitingReady: waitReady,
  WarmingUp: warmUp,
  Validating: validate,
  AwaitingPromotion: awaitPromotion,
  SwitchDelay: switchDelay,
  Stepping: stepTraffic,
  Switching: switchTraffic,
  Observing: observe,
  TearingDownBlue: teardownPrevious,
};
