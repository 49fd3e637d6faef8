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
}

/**
 * One input answered by both colors: from replaying a samples file or from router shadow traffic.
 * `baseline` is the color serving users (blue in the seed's words), `candidate` the one under
 * validation (green). Slots alternate between rollouts, so code says baseline/candidate.
 */
export interface ComparisonPair {
  id: string;
  text: string;
  slice?: string;
  expectedLabel?: string;
  baseline: CapturedResponse;
  candidate: CapturedResponse;
}
