import type { Prediction } from '../protocols/prediction.js';
import type { GateName } from '../spec/types.js';

/**
 * Gate outcomes, ordered best to worst so the overall result is the worst one (STYLE.md §2).
 * `skipped` (the gate's input was not given, e.g. no model card to `greenlight validate`) is no
 * verdict at all, so it ranks below `passed`: any gate that did run outranks it, and a run is
 * `skipped` only when every gate was.
 */
export const GATE_STATUSES = ['skipped', 'passed', 'inconclusive', 'failed', 'error'] as const;
export type GateStatus = (typeof GATE_STATUSES)[number];

/** A gate's result is data (STYLE.md §7): `error` and "no data" are not `failed`. */
export interface GateResult {
  gate: GateName;
  status: GateStatus;
  /** What was measured (numbers keyed by name), e.g. { p95Ms: 4.1, ratio: 1.05 }. */
  measured: Record<string, number | string | null>;
  /** What it was compared with, same keys where they apply. */
  threshold: Record<string, number | string | null>;
  /** Why: diffs, worst slice, disagreeing examples, error messages. */
  evidence: Record<string, unknown>;
  /** One readable line. */
  summary: string;
}

/** The worst status of a set of results; `passed` for an empty set. */
export function overallStatus(results: readonly Pick<GateResult, 'status'>[]): GateStatus {
  if (results.length === 0) return 'passed';
  let worst = 0;
  for (const r of results) worst = Math.max(worst, GATE_STATUSES.indexOf(r.status));
  return GATE_STATUSES[worst];
}

/** A model server's answer, as captured for comparison. */
export interface CapturedResponse {
  status: number;
  /** Parsed JSON body when it parsed, else the raw text. */
  body: unknown;
  latencyMs: number;
  version?: string;
  /** What the side's protocol read from a 2xx answer (absent in fixtures built from bodies). */
  prediction?: Prediction;
  /** A 2xx answer in which the response mapping found no prediction: the DecodeError's message. */
  decodeError?: string;
}

/**
 * One input answered by both colors: from replaying a samples file or from router shadow traffic.
 * `baseline` is the color serving users (blue in the seed's words), `candidate` the one under
 * validation (green). Slots alternate between rollouts, so code says baseline/candidate.
 */
export interface ComparisonPair {
  id: string;
  /** The input, readable: a sample's text, else its input as JSON (clipped where shown). */
  text: string;
  /** The sample's input as the samples file gave it (a shadow pair: the request body), for re-sending. */
  input?: unknown;
  slice?: string;
  /** The sample's expected label or value, when the samples file gives one. */
  expected?: string | number;
  baseline: CapturedResponse;
  candidate: CapturedResponse;
}
