import type { DeploymentSpec } from '../../spec/types.js';
import type { RolloutRecord } from '../../store/types.js';
import type { GateResult } from '../../validation/types.js';
import type { CommitOptions } from '../commit.js';
import type { ControllerDeps } from '../deps.js';
import type { RolloutEvent } from '../events.js';
import type { RolloutContext } from '../rollout-context.js';

/** A validation run in progress, held in memory; a restarted controller starts a new attempt. */
export interface ValidationTask {
  attempt: number;
  controller: AbortController;
  done: boolean;
  result?: GateResult[];
  error?: unknown;
  /** Gates whose results were already audited via progress. */
  audited: Set<string>;
}

/** What a step sees. */
export interface StepInput {
  deps: ControllerDeps;
  actor: string;
  rollout: RolloutRecord;
  ctx: RolloutContext;
  spec: DeploymentSpec;
  /** In-memory validation tasks by rollout id. */
  validations: Map<number, ValidationTask>;
}

/** A step either waits (nothing more to do this pass) or produces an event to commit. */
export type StepResult = 'wait' | ({ event: RolloutEvent } & Omit<CommitOptions, 'actor'>);

/** A repeat-safe step: it may run again after a crash at any await inside it. */
export type Step = (input: StepInput) => Promise<StepResult>;
