import type { Color } from '../spec/types.js';
import type { AuditRecord, DeploymentRecord, IntentKind, IntentRecord, RolloutRecord } from './types.js';

/** Row shapes as SQLite returns them (snake_case, JSON as text), and their mapping to records. */
export interface DeploymentRow {
  name: string;
  spec: string;
  active_color: string | null;
  versions: string;
  generation: number;
  current_rollout_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface RolloutRow {
  id: number;
  deployment: string;
  phase: string;
  baseline: string;
  candidate: string;
  baseline_version: string | null;
  candidate_version: string;
  spec: string;
  context: string;
  gate_results: string;
  reason: string | null;
  started_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface IntentRow {
  id: number;
  deployment: string;
  kind: string;
  actor: string;
  reason: string | null;
  payload: string;
  created_at: number;
  consumed_at: number | null;
}

export interface AuditRow {
  seq: number;
  time: number;
  deployment: string | null;
  rollout_id: number | null;
  kind: string;
  actor: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export function toDeployment(r: DeploymentRow): DeploymentRecord {
  return {
    name: r.name,
    spec: JSON.parse(r.spec),
    activeColor: r.active_color as Color | null,
    versions: JSON.parse(r.versions),
    generation: r.generation,
    currentRolloutId: r.current_rollout_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function toRollout(r: RolloutRow): RolloutRecord {
  return {
    id: r.id,
    deployment: r.deployment,
    phase: r.phase,
    baseline: r.baseline as Color,
    candidate: r.candidate as Color,
    baselineVersion: r.baseline_version,
    candidateVersion: r.candidate_version,
    spec: JSON.parse(r.spec),
    context: JSON.parse(r.context),
    gateResults: JSON.parse(r.gate_results),
    reason: r.reason,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    endedAt: r.ended_at,
  };
}

export function toIntent(r: IntentRow): IntentRecord {
  return {
    id: r.id,
    deployment: r.deployment,
    kind: r.kind as IntentKind,
    actor: r.actor,
    reason: r.reason,
    payload: JSON.parse(r.payload),
    createdAt: r.created_at,
    consumedAt: r.consumed_at,
  };
}

/**
 * A row that someone edited by hand may hold data that is not JSON; verify must still report
 * it as a bad record rather than crash, so unparsable data is kept as a marker the hash cannot match.
 */
export function toAudit(r: AuditRow): AuditRecord {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(r.data);
  } catch {
    data = { unparsableData: r.data };
  }
  return {
    seq: r.seq,
    time: r.time,
    deployment: r.deployment,
    rolloutId: r.rollout_id,
    kind: r.kind,
    actor: r.actor,
    data,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
