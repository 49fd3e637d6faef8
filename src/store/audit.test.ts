import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHash, GENESIS_HASH, verifyChain } from './audit.js';
import { openStore, type SqliteStore } from './sqlite-store.js';

let dir: string;
let file: string;
let store: SqliteStore;

/** Ten records, as a rollout writes them. */
function fill(): void {
  for (let i = 1; i <= 10; i++) {
    store.appendAudit({
      deployment: i % 2 ? 'spam' : 'other',
      rolloutId: i > 5 ? 2 : 1,
      kind: i === 6 ? 'switch' : 'transition',
      actor: 'controller',
      data: { i, to: `Phase${i}`, nested: { b: 2, a: [1, 'x'] } },
    });
  }
}

/** Tamper the way someone with the file would: raw SQL, triggers dropped first. */
function tamper(sql: string): void {
  store.close();
  const db = new Database(file);
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
  db.exec(sql);
  db.close();
  store = openStore(file);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-audit-'));
  file = join(dir, 'greenlight.db');
  store = openStore(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('appendAudit', () => {
  it('chains records from the genesis hash with sha256 over canonical JSON', () => {
    const a = store.appendAudit({
      deployment: 'spam',
      rolloutId: null,
      kind: 'intent',
      actor: 'ops',
      data: { b: 1, a: 2 },
      time: 5,
    });
    const b = store.appendAudit({
      deployment: null,
      rolloutId: 3,
      kind: 'gate',
      actor: 'controller',
      data: {},
    });
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(a.time).toBe(5);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    // Key order does not matter: the hash is over sorted keys.
    expect(auditHash(GENESIS_HASH, { ...a, data: { a: 2, b: 1 } })).toBe(a.hash);
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash, rolloutId: 3, deployment: null });
    expect(store.listAudit()).toEqual([a, b]);
    expect(store.auditHead()).toEqual({ count: 2, lastHash: b.hash });
  });

  it('stores data as JSON would (undefined members dropped) so the record verifies after a read', () => {
    const r = store.appendAudit({
      deployment: 'x',
      rolloutId: null,
      kind: 'k',
      actor: 'a',
      data: { keep: 1, drop: undefined },
    });
    expect(r.data).toEqual({ keep: 1 });
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('filters by deployment and seq, with a limit', () => {
    fill();
    expect(store.listAudit({ deployment: 'spam' }).map((r) => r.seq)).toEqual([1, 3, 5, 7, 9]);
    expect(store.listAudit({ sinceSeq: 7 }).map((r) => r.seq)).toEqual([8, 9, 10]);
    expect(store.listAudit({ deployment: 'other', sinceSeq: 2, limit: 2 }).map((r) => r.seq)).toEqual([4, 6]);
  });

  it('SQLite itself refuses UPDATE and DELETE of audit records and moving the head backwards', () => {
    fill();
    store.close();
    const db = new Database(file);
    expect(() => db.exec("UPDATE audit SET actor = 'me' WHERE seq = 3")).toThrow('append-only');
    expect(() => db.exec('DELETE FROM audit WHERE seq = 10')).toThrow('append-only');
    expect(() => db.exec('UPDATE audit_head SET count = 9')).toThrow('forward');
    expect(() => db.exec('DELETE FROM audit_head')).toThrow('cannot be deleted');
    db.close();
    store = openStore(file);
    expect(store.verifyAudit()).toEqual({ ok: true, records: 10 });
  });
});

describe('verifyAudit names the first bad record', () => {
  beforeEach(fill);

  it('accepts an untouched log, and an empty one', () => {
    expect(store.verifyAudit()).toEqual({ ok: true, records: 10 });
    const empty = openStore(':memory:');
    expect(empty.verifyAudit()).toEqual({ ok: true, records: 0 });
    empty.close();
  });

  it('edited data', () => {
    tamper(`UPDATE audit SET data = '{"i":4,"to":"Complete","nested":{"a":[1,"x"],"b":2}}' WHERE seq = 4`);
    expect(store.verifyAudit().firstBad).toEqual({ seq: 4, reason: 'hash mismatch' });
  });

  it('edited time or actor', () => {
    tamper(
      `UPDATE audit SET actor = 'someone-else' WHERE seq = 8; UPDATE audit SET time = time + 1 WHERE seq = 6`,
    );
    expect(store.verifyAudit().firstBad).toEqual({ seq: 6, reason: 'hash mismatch' });
  });

  it('data that is not JSON any more', () => {
    tamper(`UPDATE audit SET data = 'garbage' WHERE seq = 2`);
    expect(store.verifyAudit().firstBad).toEqual({ seq: 2, reason: 'hash mismatch' });
  });

  it('an edited record whose hash was recomputed breaks the next link', () => {
    const r = store.listAudit({ sinceSeq: 4, limit: 1 })[0];
    const forged = { ...r, actor: 'forger' };
    tamper(`UPDATE audit SET actor = 'forger', hash = '${auditHash(r.prevHash, forged)}' WHERE seq = 5`);
    expect(store.verifyAudit().firstBad).toEqual({ seq: 6, reason: 'prevHash does not match record 5' });
  });

  it('an edited hash', () => {
    tamper(`UPDATE audit SET hash = '${'f'.repeat(64)}' WHERE seq = 3`);
    expect(store.verifyAudit().firstBad).toEqual({ seq: 3, reason: 'hash mismatch' });
  });

  it('a deleted record in the middle', () => {
    tamper('DELETE FROM audit WHERE seq = 7');
    expect(store.verifyAudit()).toEqual({
      ok: false,
      records: 7,
      firstBad: { seq: 7, reason: 'gap: record 7 missing' },
    });
  });

  it('the first record deleted', () => {
    tamper('DELETE FROM audit WHERE seq = 1');
    expect(store.verifyAudit().firstBad).toEqual({ seq: 1, reason: 'gap: record 1 missing' });
  });

  it('the last record deleted (caught by the head)', () => {
    tamper('DELETE FROM audit WHERE seq = 10');
    expect(store.verifyAudit().firstBad).toEqual({
      seq: 10,
      reason: 'truncated: head records 10 records, record 10 missing',
    });
  });

  it('the last records deleted and the head rewritten (caught only by an external anchor)', () => {
    const anchor = { seq: 10, hash: store.auditHead().lastHash };
    const nine = store.listAudit({ sinceSeq: 8, limit: 1 })[0];
    tamper(
      `DROP TRIGGER audit_head_forward; DELETE FROM audit WHERE seq = 10;
       UPDATE audit_head SET count = 9, last_hash = '${nine.hash}'`,
    );
    expect(store.verifyAudit().ok).toBe(true);
    expect(store.verifyAudit({ anchor }).firstBad).toEqual({
      seq: 10,
      reason: 'truncated: the anchor names record 10, the log ends at 9',
    });
  });

  it('the head record deleted', () => {
    tamper('DROP TRIGGER audit_head_no_delete; DELETE FROM audit_head');
    expect(store.verifyAudit().firstBad).toEqual({ seq: 10, reason: 'the audit head record is missing' });
    expect(() =>
      store.appendAudit({ deployment: null, rolloutId: null, kind: 'k', actor: 'a', data: {} }),
    ).toThrow(expect.objectContaining({ code: 'GL_AUDIT_HEAD_MISSING' }));
  });

  it('an anchor that names a rewritten record', () => {
    expect(store.verifyAudit({ anchor: { seq: 4, hash: 'a'.repeat(64) } }).firstBad).toEqual({
      seq: 4,
      reason: 'hash does not match the anchor',
    });
  });

  it('two records swapped (contents moved between seqs)', () => {
    tamper(`
      UPDATE audit SET seq = -1 WHERE seq = 3;
      UPDATE audit SET seq = 3 WHERE seq = 4;
      UPDATE audit SET seq = 4 WHERE seq = -1;`);
    expect(store.verifyAudit().firstBad).toEqual({ seq: 3, reason: 'prevHash does not match record 2' });
  });
});

describe('verifyChain on an exported sequence', () => {
  it('reports records out of order as they appear', () => {
    fill();
    const records = store.listAudit();
    [records[4], records[5]] = [records[5], records[4]];
    // Record 6 arrives where 5 belongs: from the reader's position, 5 is missing.
    expect(verifyChain(records).firstBad).toEqual({ seq: 5, reason: 'gap: record 5 missing' });
    const dup = [...store.listAudit().slice(0, 5), store.listAudit()[2]];
    expect(verifyChain(dup).firstBad).toEqual({ seq: 3, reason: 'out of order: record 3 after record 5' });
  });

  it('checks a partial export from its first seq on', () => {
    fill();
    const tail = store.listAudit({ sinceSeq: 6 });
    expect(verifyChain(tail, { startSeq: 7 })).toEqual({ ok: true, records: 4 });
    expect(verifyChain(tail).firstBad).toEqual({ seq: 1, reason: 'gap: record 1 missing' });
  });
});
