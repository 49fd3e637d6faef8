import type Database from 'better-sqlite3';
import { GreenlightError } from '../errors.js';

/**
 * Schema migrations, applied in order; PRAGMA user_version records how many have run. Append a
 * new entry to change the schema, never edit a shipped one: databases in the field ran it.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE deployments (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    active_color TEXT,
    versions TEXT NOT NULL,
    generation INTEGER NOT NULL,
    current_rollout_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE rollouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment TEXT NOT NULL,
    phase TEXT NOT NULL,
    baseline TEXT NOT NULL,
    candidate TEXT NOT NULL,
    baseline_version TEXT,
    candidate_version TEXT NOT NULL,
    spec TEXT NOT NULL,
    context TEXT NOT NULL,
    gate_results TEXT NOT NULL,
    reason TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX rollouts_by_deployment ON rollouts (deployment, id);
  CREATE TABLE intents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    consumed_at INTEGER
  );
  CREATE INDEX intents_pending ON intents (consumed_at, id);
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    time INTEGER NOT NULL,
    deployment TEXT,
    rollout_id INTEGER,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE INDEX audit_by_deployment ON audit (deployment, seq);
  -- The chain makes tampering visible; these triggers make the ordinary code path unable to
  -- tamper at all. Someone with the file can drop them, which is why verify never trusts them.
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

  -- One row: how many records exist and the newest hash, written in the same transaction as
  -- each append, so deleting the newest records (which leaves a valid shorter chain) is visible.
  CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    last_hash TEXT NOT NULL
  );
  INSERT INTO audit_head (id, count, last_hash) VALUES (1, 0, '${'0'.repeat(64)}');
  CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
    WHEN NEW.count <> OLD.count + 1
    BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward one record at a time'); END;
  CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
    BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END;
  `,
];

/** Bring a database up to the newest schema; returns the version it was at before. */
export function migrate(db: Database.Database): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > MIGRATIONS.length) {
    throw new GreenlightError(
      'GL_STORE_SCHEMA_TOO_NEW',
      `database schema version ${from} is newer than this greenlight understands (${MIGRATIONS.length}); upgrade greenlight`,
    );
  }
  // Up to date: no write at all, so a reader (`audit verify`) never contends with the control plane.
  if (from === MIGRATIONS.length) return from;
  // IMMEDIATE takes the write lock before reading the version again: two processes opening a
  // new file at once must not both run the first migration.
  db.transaction(() => {
    const now = db.pragma('user_version', { simple: true }) as number;
    for (let v = now; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
  return from;
}
