import type { Color, DeploymentSpec } from '../spec/types.js';
import type { GateResult } from '../validation/types.js';

/** A deployment: the latest applied spec and what is true of its slots now. */
export interface DeploymentRecord {
  name: string;
  spec: DeploymentSpec;
  /** The slot serving users; null before bootstrap. */
  activeColor: Color | null;
  /** Model version each slot runs now (absent = nothing runs there). */
  versions: Partial<Record<Color, string>>;
  /** Router generation last seen/caused by the controller (switches + rollbacks). */
  generation: number;
  /** The rollout in progress, if any. */
  currentRolloutId: number | null;
  createdAt: number;
  updatedAt: number;
}

/** One run of the pipeline. `phase` is the controller's Phase union (src/controller/phases.ts). */
export interface RolloutRecord {
  id: number;
  deployment: string;
  phase: string;
  baseline: Color;
  candidate: Color;
  baselineVersion: string | null;
  candidateVersion: string;
  spec: DeploymentSpec;
  /** Durable per-step data (e.g. validationPassedAt, switchedAt, generation, observeStartedAt). */
  context: Record<string, unknown>;
  gateResults: GateResult[];
  /** Why it ended where it ended (terminal phases). */
  reason: string | null;
  startedAt: number;
  updatedAt: number;
  endedAt: number | null;
}

export type IntentKind = 'apply' | 'promote' | 'rollback' | 'abort';

/** An operator's command, recorded by the API/CLI and consumed by the controller (STYLE.md §9). */
export interface IntentRecord {
  id: number;
  deployment: string;
  kind: IntentKind;
  /** Who: the admin token's name. */
  actor: string;
  reason: string | null;
  payload: Record<string, unknown>;
  createdAt: number;
  consumedAt: number | null;
}

/** A hash-chained audit record. hash = sha256(prevHash + canonical JSON of the other fields). */
export interface AuditRecord {
  seq: number;
  time: number;
  deployment: string | null;
  rolloutId: number | null;
  /** e.g. transition, gate, switch, rollback, intent, teardown, deploy, error */
  kind: string;
  actor: string;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditEntry = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash' | 'time'> & { time?: number };

export interface AuditVerification {
  ok: boolean;
  records: number;
  /** The first record that does not verify (edited, deleted after, reordered), with why. */
  firstBad?: { seq: number; reason: string };
}

/**
 * Durable state. SQLite locally (src/store/sqlite-store.ts). Methods are synchronous
 * (better-sqlite3); `transaction` makes a state change and its audit record one atomic write,
 * so a crash never leaves a transition without its audit entry or the reverse.
 */
export interface Store {
  transaction<T>(fn: () => T): T;

  getDeployment(name: string): DeploymentRecord | undefined;
  listDeployments(): DeploymentRecord[];
  putDeployment(rec: Omit<DeploymentRecord, 'createdAt' | 'updatedAt'>): DeploymentRecord;

  insertRollout(rec: Omit<RolloutRecord, 'id' | 'startedAt' | 'updatedAt' | 'endedAt'>): RolloutRecord;
  getRollout(id: number): RolloutRecord | undefined;
  updateRollout(
    id: number,
    patch: Partial<Pick<RolloutRecord, 'phase' | 'context' | 'gateResults' | 'reason' | 'endedAt'>>,
  ): RolloutRecord;
  listRollouts(deployment: string, limit?: number): RolloutRecord[];

  addIntent(rec: Omit<IntentRecord, 'id' | 'createdAt' | 'consumedAt'>): IntentRecord;
  pendingIntents(deployment?: string): IntentRecord[];
  consumeIntent(id: number): void;

  appendAudit(entry: AuditEntry): AuditRecord;
  listAudit(opts?: { deployment?: string; sinceSeq?: number; limit?: number }): AuditRecord[];
  verifyAudit(): AuditVerification;

  /** Small key/value for the platform and control plane (adopted processes, router admin URL…). */
  getMeta<T>(key: string): T | undefined;
  setMeta(key: string, value: unknown): void;

  close(): void;
}

/**
 * `data` of audit records of kind `switch` and `rollback` (and `activate`, the bootstrap that
 * first makes a color active; `from` is null then). Together they answer the compliance
 * question "which model version served at time X" (src/store/timeline.ts).
 */
export interface SwitchAuditData {
  from: Color | null;
  to: Color;
  fromVersion: string | null;
  toVersion: string;
  /** Router generation after the switch. */
  generation: number;
  /** When the router's switch took effect (ms since epoch): every later request went to `to`. */
  switchedAt: number;
  /**
   * `weights` records (a staged rollout's step): how requests were split from `switchedAt` on;
   * `to` is then the router's active color, which keeps the rest. Absent: all went to `to`.
   */
  shares?: TrafficShare[];
}

/** One version's share of user requests, in percent. */
export interface TrafficShare {
  color: Color;
  version: string;
  percent: number;
}

/** Audit kinds that change which color serves users (`weights`: a staged rollout's split). */
export const SERVING_CHANGE_KINDS: readonly string[] = ['activate', 'switch', 'rollback', 'weights'];
