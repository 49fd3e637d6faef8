import type { Platform } from '../platform/types.js';
import type { RouterControl } from '../router/types.js';
import type { Color, OutputSpec, ServerSpec, ValidationSpec } from '../spec/types.js';
import type { GateResult } from '../validation/types.js';

/** What validation reports while it runs; the controller persists and audits each gate result as it arrives. */
export type ValidationProgress =
  | { kind: 'gate'; result: GateResult }
  | { kind: 'samples'; compared: number; target: number }
  | { kind: 'message'; text: string };

/**
 * What the controller passes to the injected `validate` (src/validation/run.ts `runValidation`).
 * baseline = the active slot, candidate = the slot under test (docs/internals.md "Slots and roles").
 */
export interface ValidateInput {
  deployment: string;
  validation: ValidationSpec;
  baselineColor: Color;
  candidateColor: Color;
  baselineUrls: string[];
  candidateUrls: string[];
  baselineVersion: string | null;
  candidateVersion: string;
  /** How each slot is spoken to (serverOf(spec[color])) and how predictions compare (outputOf(spec)); default greenlight/labels. */
  baselineServer?: ServerSpec;
  candidateServer?: ServerSpec;
  output?: OutputSpec;
  /** Absolute path of the candidate's model card, when the spec names one. */
  modelCard?: string;
  /** Where comparison pairs come from; for 'shadow' and 'both' the controller has already enabled router shadow. */
  pairSource: 'samples' | 'shadow' | 'both';
  router: RouterControl;
  /** Shadow pairs with seq > this were captured for this candidate (earlier ones belong to older rollouts). */
  shadowSince: number;
  /** For the resources gate (local: OS readings; kubernetes: metrics). */
  platform: Platform;
  onProgress: (progress: ValidationProgress) => void;
  /** Aborted when an operator aborts the rollout or the controller stops. */
  signal: AbortSignal;
}

export type ValidateFn = (input: ValidateInput) => Promise<GateResult[]>;
