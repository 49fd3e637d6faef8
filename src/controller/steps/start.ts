import type { Step } from './step.js';

/** Pending → DeployingGreen: nothing to do but say the controller has picked the rollout up. */
export const start: Step = async () => ({ event: 'start' });
