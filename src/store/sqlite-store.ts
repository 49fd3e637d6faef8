import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { GreenlightError } from '../errors.js';
import { type AuditHead, nextAuditRecord, verifyChain } from './audit.js';
import {
  type AuditRow,
  type DeploymentRow,
  type IntentRow,
  type RolloutRow,
  toAudit,
  toDeployment,
  toIntent,
  toRollout,
} from './rows.js';
import { migrate } from './schema.js';
import { prepareStatements } from './statements.js';
import type { AuditRecord, AuditVerification, RolloutRecord, Store } from './types.js';

export interface StoreOptions {
  /** Clock for createdAt/updatedAt and audit times (ms since epoch); injected so tests control time. */
  now?: () => number;
  /** Refuse to create a new database (read-side commands such as `audit verify`). */
  mustExist?: boolean;
}

/** Options for checking the audit chain beyond what the database itself holds. */
export interface VerifyOptions {
  /** An externally kept (seq, hash) pair: catches truncation by someone who also rewrote the head. */
  anchor?: { seq: number; hash: string };
}

/** The SQLite store, with what only SQLite can answer beside the `Store` contract. */
export interface SqliteStore extends Store {
  readonly file: string;
  /** Count and newest hash of the audit chain: export it to anchor the log outside this file. */
  auditHead(): AuditHead;
  verifyAudit(opts?: VerifyOptions): AuditVerification;
  /** Visit every audit record in seq order without loading the whole log. */
  iterateAudit(opts?: { deployment?: string; sinceSeq?: number }): IterableIterator<AuditRecord>;
}

/**
 * Open (creating and migrating when needed) the SQLite store at `file` (":memory:" allowed).
 * WAL lets `audit verify` and `audit export` read while the control plane writes;
 * synchronous=FULL because a transition counts as done only once it is on disk.
 */
export function openStore(file: string, opts: StoreOptions = {}): SqliteStore {
  const now = opts.now ?? Date.now;
  if (opts.mustExist && file !== ':memory:' && !existsSync(file)) {
    throw new GreenlightError(
      'GL_STORE_OPEN',
      `no greenlight database at ${file} (set --data-dir or GREENLIGHT_DATA_DIR to the control plane's data directory)`,
    );
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist ?? false });
  } catch (err) {
    throw new GreenlightError('GL_STORE_OPEN', `cannot open ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  try {
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    // a reader must not turn some other SQLite file into a greenlight database by migrating it
    if (opts.mustExist && db.pragma('user_version', { simple: true }) === 0) {
      throw new GreenlightError(
        'GL_STORE_OPEN',
        `${file} is not a greenlight database (no greenlight schema)`,
      );
    }
    migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof GreenlightError) throw err;
    // SQLITE_NOTADB, SQLITE_CORRUPT, ...: the file is there but is no database we can read
    const code = (err as { code?: string }).code ?? 'unknown';
    throw new GreenlightError(
      'GL_STORE_OPEN',
      `${file} is not a readable greenlight database: ${(err as Error).message} (${code})`,
      { cause: err },
    );
  }
  return createSqliteStore(db, file, now);
}

function createSqliteStore(db: Database.Database, file: string, now: () => number): SqliteStore {
  const q = prepareStatements(db);
  const auditHead = (): AuditHead => {
    const row = q.getHead.get() as { count: number; last_hash: string } | undefined;
    // Only someone who dropped the triggers can remove it; appending without it would restart the chain.
    if (!row)
      throw new GreenlightError(
        'GL_AUDIT_HEAD_MISSING',
        'the audit head record is missing: the log was tampered with',
      );
    return { count: row.count, lastHash: row.last_hash };
  };
  const getRollout = (id: number) => {
    const row = q.getRollout.get(id) as RolloutRow | undefined;
    return row && toRollout(row);
  };
  const iterateAudit = (o: { deployment?: string; sinceSeq?: number } = {}) => {
    const rows = (
      o.deployment === undefined
        ? q.auditAll.iterate(o.sinceSeq ?? 0)
        : q.auditByDeployment.iterate(o.deployment, o.sinceSeq ?? 0)
    ) as IterableIterator<AuditRow>;
    return mapIterator(rows, toAudit);
  };

  const store: SqliteStore = {
    file,
    transaction<T>(fn: () => T): T {
      // better-sqlite3 turns a nested transaction() into a SAVEPOINT, so steps compose.
      return db.transaction(() => {
        const result = fn();
        if (result && typeof (result as { then?: unknown }).then === 'function') {
          // Throwing here rolls back: an async body would commit before its awaits ran.
          throw new GreenlightError(
            'GL_STORE_ASYNC_TRANSACTION',
            'store.transaction needs a synchronous function',
          );
        }
        return result;
      })();
    },

    getDeployment(name) {
      const row = q.getDeployment.get(name) as DeploymentRow | undefined;
      return row && toDeployment(row);
    },
    listDeployments() {
      return (q.listDeployments.all() as DeploymentRow[]).map(toDeployment);
    },
    putDeployment(rec) {
      const t = now();
      q.upsertDeployment.run({
        name: rec.name,
        spec: JSON.stringify(rec.spec),
        active_color: rec.activeColor,
        versions: JSON.stringify(rec.versions),
        generation: rec.generation,
        current_rollout_id: rec.currentRolloutId,
        t,
      });
      return store.getDeployment(rec.name)!;
    },

    insertRollout(rec) {
      const t = now();
      const info = q.insertRollout.run({
        deployment: rec.deployment,
        phase: rec.phase,
        baseline: rec.baseline,
        candidate: rec.candidate,
        baseline_version: rec.baselineVersion,
        candidate_version: rec.candidateVersion,
        spec: JSON.stringify(rec.spec),
        context: JSON.stringify(rec.context),
        gate_results: JSON.stringify(rec.gateResults),
        reason: rec.reason,
        t,
      });
      return getRollout(Number(info.lastInsertRowid))!;
    },
    getRollout,
    updateRollout(id, patch) {
      const current = getRollout(id);
      if (!current) throw new GreenlightError('GL_NOT_FOUND', `rollout ${id} does not exist`);
      const next: RolloutRecord = { ...current, ...definedOnly(patch) };
      q.updateRollout.run({
        id,
        phase: next.phase,
        context: JSON.stringify(next.context),
        gate_results: JSON.stringify(next.gateResults),
        reason: next.reason,
        ended_at: next.endedAt,
        t: now(),
      });
      return getRollout(id)!;
    },
    listRollouts(deployment, limit = -1) {
      return (q.listRollouts.all(deployment, limit) as RolloutRow[]).map(toRollout);
    },

    addIntent(rec) {
      const info = q.insertIntent.run({
        deployment: rec.deployment,
        kind: rec.kind,
        actor: rec.actor,
        reason: rec.reason,
        payload: JSON.stringify(rec.payload),
        t: now(),
      });
      return toIntent(q.getIntent.get(Number(info.lastInsertRowid)) as IntentRow);
    },
    pendingIntents(deployment) {
      const rows = deployment === undefined ? q.pendingAll.all() : q.pendingByDeployment.all(deployment);
      return (rows as IntentRow[]).map(toIntent);
    },
    consumeIntent(id) {
      const row = q.getIntent.get(id) as IntentRow | undefined;
      if (!row) throw new GreenlightError('GL_NOT_FOUND', `intent ${id} does not exist`);
      // Consuming twice keeps the first time: a controller that resumes after a crash may repeat the step.
      q.consumeIntent.run(now(), id);
    },

    appendAudit(entry) {
      return db.transaction(() => {
        const rec = nextAuditRecord(auditHead(), entry, now());
        q.insertAudit.run({
          seq: rec.seq,
          time: rec.time,
          deployment: rec.deployment,
          rollout_id: rec.rolloutId,
          kind: rec.kind,
          actor: rec.actor,
          data: JSON.stringify(rec.data),
          prev_hash: rec.prevHash,
          hash: rec.hash,
        });
        q.updateHead.run(rec.seq, rec.hash);
        return rec;
      })();
    },
    listAudit(o = {}) {
      const out: AuditRecord[] = [];
      const limit = o.limit ?? Number.POSITIVE_INFINITY;
      for (const rec of iterateAudit(o)) {
        if (out.length >= limit) break;
        out.push(rec);
      }
      return out;
    },
    iterateAudit,
    auditHead,
    verifyAudit(o = {}) {
      // One read transaction: a consistent snapshot even while the control plane keeps appending.
      return db.transaction(() => {
        // The head is read first: better-sqlite3 allows no other statement while an iterator is open.
        const row = q.getHead.get() as { count: number; last_hash: string } | undefined;
        const head = row && { count: row.count, lastHash: row.last_hash };
        const rows = q.auditAll.iterate(0) as IterableIterator<AuditRow>;
        const result = verifyChain(mapIterator(rows, toAudit), { head, anchor: o.anchor });
        if (!result.ok || head) return result;
        return {
          ok: false,
          records: result.records,
          firstBad: { seq: result.records, reason: 'the audit head record is missing' },
        };
      })();
    },

    getMeta<T>(key: string): T | undefined {
      const row = q.getMeta.get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    setMeta(key, value) {
      if (value === undefined) q.deleteMeta.run(key);
      else q.setMeta.run(key, JSON.stringify(value));
    },

    close() {
      if (db.open) db.close();
    },
  };
  return store;
}

function* mapIterator<A, B>(it: IterableIterator<A>, fn: (a: A) => B): IterableIterator<B> {
  for (const a of it) yield fn(a);
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
