import type { Color } from '../spec/types.js';
import type { RuleName, RuleState } from './observe/rule-state.js';

/**
 * What a rollout remembers between steps, persisted in RolloutRecord.context. Every field a step
 * writes before a side effect ("intended") is what lets a restarted controller tell whether the
 * side effect already happened.
 */
export interface RolloutContext {
  /** This rollout starts the first slot of a deployment: no validation, no observation. */
  bootstrap?: boolean;
  /** Bootstrap only: roll out this slot as a candidate once the bootstrap completes. */
  thenCandidate?: Color;
  /** When the current phase was entered (ms). */
  phaseSince?: number;
  deployedAt?: number;
  readyDeadline?: number;
  candidateUrls?: string[];
  warmup?: { sent: number; failed: number };
  /** Incremented each time validation (re)starts, e.g. after a controller restart. */
  validationAttempt?: number;
  /** The attempt whose results are final (persisted with them), so a restart does not validate again. */
  validationDone?: number;
  samples?: { compared: number; target: number };
  /** When `samples` was last persisted (progress is throttled). */
  samplesAt?: number;
  /** Shadow was (or is about to be) enabled on the router; clean-up turns it off. */
  shadowEnabled?: boolean;
  validationEndedAt?: number;
  /** SwitchDelay: switch at this time. */
  switchAt?: number;
  /**
   * Stepping: the current step (index into canarySteps(spec)) and when it began, committed with the
   * transition BEFORE the router gets its weight; `appliedAt` once the router has it (and the
   * `weights` audit record is written), so a restart neither sets it twice nor records it twice.
   */
  step?: { index: number; weight: number; startedAt: number; appliedAt?: number };
  /** A staged rollout that failed before its switch: when its weights were cleared (and recorded). */
  splitEnded?: number;
  /** Stepping: the baseline's score bins summed over the same evaluations as `observed.scoreBins`. */
  baselineScoreBins?: number[] | null;
  /**
   * observation.baselineReplicas: the previous slot is scaled down from `from` to `to` replicas;
   * written before the platform call, `done` (with the `scale` audit record) after it.
   */
  baselineScaled?: { from: number; to: number; at: number; done?: boolean };
  /** After a rollback: the previous slot is back at its full replicas. */
  baselineRestored?: { replicas: number; at: number };
  /** Written before router.switchTo: the router generation the switch starts from. */
  switchIntent?: { fromGeneration: number; at: number };
  /** The compliance record of the switch. */
  switched?: {
    generation: number;
    switchedAt: number;
    from: Color;
    to: Color;
    fromVersion: string | null;
    toVersion: string;
  };
  /** The baseline's signals just before the switch: what the latency and confidence rules compare with. */
  baselineSignals?: { p95LatencySeconds: number | null; scoreBins: number[] | null };
  rules?: Partial<Record<RuleName, RuleState>>;
  /** Candidate totals accumulated over the observation window. */
  observed?: { requests: number; errors: number; scoreBins: number[] | null; evaluations: number };
  nextEvalAt?: number;
  /** The rule (or operator) that caused the rollback. */
  breach?: {
    rule: string;
    measured: number | null;
    threshold: number | null;
    detail: string;
    actor?: string;
  };
  /** Written before router.rollback. */
  rollbackIntent?: { fromGeneration: number; at: number };
  rolledBack?: { generation: number; switchedAt: number };
  /** Clean-up of a terminal rollout (tear down the slot that is not needed) is finished. */
  finalized?: boolean;
  lastError?: string;
}
