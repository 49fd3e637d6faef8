import type { GateName } from '../../spec/types.js';
import type { GateResult, GateStatus } from '../types.js';

/** Build a GateResult; `measured`, `threshold` and `evidence` default to empty. */
export function gateResult(
  gate: GateName,
  status: GateStatus,
  summary: string,
  parts: Partial<Pick<GateResult, 'measured' | 'threshold' | 'evidence'>> = {},
): GateResult {
  return {
    gate,
    status,
    measured: parts.measured ?? {},
    threshold: parts.threshold ?? {},
    evidence: parts.evidence ?? {},
    summary,
  };
}

/** A measurement problem (unreachable, no data, unexpected exception): `error`, never `failed`. */
export function errorResult(
  gate: GateName,
  reason: string,
  evidence: Record<string, unknown> = {},
): GateResult {
  return gateResult(gate, 'error', reason, { evidence: { reason, ...evidence } });
}

/** Round for display and JSON evidence (statistics need not print 17 digits). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
