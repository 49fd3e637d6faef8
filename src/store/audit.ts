import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { AuditEntry, AuditRecord, AuditVerification } from './types.js';

/** prevHash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the store keeps beside the chain so that dropping the newest records is detectable too. */
export interface AuditHead {
  /** Number of records appended so far (= seq of the newest). */
  count: number;
  /** hash of the newest record, GENESIS_HASH when empty. */
  lastHash: string;
}

/** hash = sha256(prevHash + canonical JSON of {seq, time, deployment, rolloutId, kind, actor, data}). */
export function auditHash(prevHash: string, r: Omit<AuditRecord, 'prevHash' | 'hash'>): string {
  const body = canonicalJson({
    seq: r.seq,
    time: r.time,
    deployment: r.deployment,
    rolloutId: r.rolloutId,
    kind: r.kind,
    actor: r.actor,
    data: r.data,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/**
 * Build the next record of a chain whose newest record is `head`. `data` goes through canonical
 * JSON first so the returned record is exactly what a reader gets back from storage.
 */
export function nextAuditRecord(head: AuditHead, entry: AuditEntry, now: number): AuditRecord {
  const base = {
    seq: head.count + 1,
    time: entry.time ?? now,
    deployment: entry.deployment ?? null,
    rolloutId: entry.rolloutId ?? null,
    kind: entry.kind,
    actor: entry.actor,
    data: JSON.parse(canonicalJson(entry.data ?? {})) as Record<string, unknown>,
  };
  return { ...base, prevHash: head.lastHash, hash: auditHash(head.lastHash, base) };
}

/** What verification can check beyond the records themselves. */
export interface ChainCheck {
  /** The store's head (count + newest hash): catches the newest records being deleted. */
  head?: AuditHead;
  /** An externally kept (seq, hash): catches truncation even by someone who rewrote the head. */
  anchor?: { seq: number; hash: string };
  /**
   * Seq of the first record given (an export made with --since). Its prevHash is then taken on
   * trust, since the record it points to is not part of the input.
   */
  startSeq?: number;
}

/**
 * Check a chain in stored order and name the first record that does not verify: an edited
 * record fails its own hash, a deleted one leaves a gap in seq, a reordered one is out of
 * order or no longer links to its predecessor. A chain alone cannot reveal that its newest
 * records were deleted; `check.head` and `check.anchor` can.
 */
export function verifyChain(records: Iterable<AuditRecord>, check: ChainCheck = {}): AuditVerification {
  let expectedSeq = check.startSeq ?? 1;
  let prev: AuditRecord | undefined;
  let count = 0;
  const anchor = check.anchor;
  for (const r of records) {
    count++;
    const trustPrev = prev === undefined && expectedSeq > 1;
    const bad = checkRecord(r, expectedSeq, prev, trustPrev);
    if (bad) return { ok: false, records: count, firstBad: bad };
    if (anchor && r.seq === anchor.seq && r.hash !== anchor.hash) {
      return {
        ok: false,
        records: count,
        firstBad: { seq: r.seq, reason: 'hash does not match the anchor' },
      };
    }
    prev = r;
    expectedSeq++;
  }
  if (check.head) {
    const bad = checkHead(check.head, prev);
    if (bad) return { ok: false, records: count, firstBad: bad };
  }
  const last = prev?.seq ?? expectedSeq - 1;
  if (anchor && anchor.seq > last) {
    return {
      ok: false,
      records: count,
      firstBad: {
        seq: last + 1,
        reason: `truncated: the anchor names record ${anchor.seq}, the log ends at ${last}`,
      },
    };
  }
  return { ok: true, records: count };
}

function checkRecord(
  r: AuditRecord,
  expectedSeq: number,
  prev: AuditRecord | undefined,
  trustPrev: boolean,
): { seq: number; reason: string } | undefined {
  if (r.seq > expectedSeq) return { seq: expectedSeq, reason: `gap: record ${expectedSeq} missing` };
  if (r.seq < expectedSeq)
    return { seq: r.seq, reason: `out of order: record ${r.seq} after record ${expectedSeq - 1}` };
  const expectedPrev = prev ? prev.hash : GENESIS_HASH;
  if (!trustPrev && r.prevHash !== expectedPrev) {
    return {
      seq: r.seq,
      reason: prev
        ? `prevHash does not match record ${prev.seq}`
        : 'prevHash of the first record is not the genesis hash',
    };
  }
  if (auditHash(r.prevHash, r) !== r.hash) return { seq: r.seq, reason: 'hash mismatch' };
  return undefined;
}

function checkHead(
  head: AuditHead,
  last: AuditRecord | undefined,
): { seq: number; reason: string } | undefined {
  const found = last?.seq ?? 0;
  if (head.count > found) {
    return {
      seq: found + 1,
      reason: `truncated: head records ${head.count} records, record ${found + 1} missing`,
    };
  }
  if (head.count < found) {
    return {
      seq: head.count + 1,
      reason: `record ${head.count + 1} is not in the head (head records ${head.count})`,
    };
  }
  if (head.lastHash !== (last?.hash ?? GENESIS_HASH)) {
    return { seq: found, reason: `head hash does not match record ${found}` };
  }
  return undefined;
}
