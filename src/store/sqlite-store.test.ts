import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentSpec } from '../spec/types.js';
import type { GateResult } from '../validation/types.js';
import { MIGRATIONS } from './schema.js';
import { openStore, type SqliteStore } from './sqlite-store.js';

// The store treats the spec as an opaque JSON document; a marker is enough to see it round-trip.
const spec = { name: 'spam', blue: { modelVersion: 'v1' } } as unknown as DeploymentSpec;
const gate: GateResult = {
  gate: 'agreement',
  status: 'passed',
  measured: { agreement: 0.98 },
  threshold: { agreement: 0.95 },
  evidence: { examples: [] },
  summary: 'ok',
};

let dir: string;
let file: string;
let clock: number;
let store: SqliteStore;
const open = () => openStore(file, { now: () => clock });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-store-'));
  file = join(dir, 'greenlight.db');
  clock = 1_000;
  store = open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deployments', () => {
  it('inserts, reads, lists and updates keeping createdAt', () => {
    expect(store.getDeployment('spam')).toBeUndefined();
    const first = store.putDeployment({
      name: 'spam',
      spec,
      activeColor: null,
      versions: {},
      generation: 0,
      currentRolloutId: null,
    });
    expect(first).toMatchObject({ name: 'spam', activeColor: null, createdAt: 1_000, updatedAt: 1_000 });
    clock = 2_000;
    const second = store.putDeployment({
      ...first,
      activeColor: 'blue',
      versions: { blue: 'v1' },
      generation: 3,
      currentRolloutId: 7,
    });
    expect(second).toEqual({
      name: 'spam',
      spec,
      activeColor: 'blue',
      versions: { blue: 'v1' },
      generation: 3,
      currentRolloutId: 7,
      createdAt: 1_000,
      updatedAt: 2_000,
    });
    store.putDeployment({ ...first, name: 'alpha' });
    expect(store.listDeployments().map((d) => d.name)).toEqual(['alpha', 'spam']);
  });
});

describe('rollouts', () => {
  const base = {
    deployment: 'spam',
    phase: 'Pending',
    baseline: 'blue' as const,
    candidate: 'green' as const,
    baselineVersion: 'v1',
    candidateVersion: 'v2',
    spec,
    context: {},
    gateResults: [],
    reason: null,
  };

  it('inserts with an id and timestamps, updates only the patched fields', () => {
    const r = store.insertRollout(base);
    expect(r).toMatchObject({ ...base, id: 1, startedAt: 1_000, updatedAt: 1_000, endedAt: null });
    clock = 5_000;
    const u = store.updateRollout(r.id, { phase: 'Validating', gateResults: [gate], context: { a: 1 } });
    expect(u).toMatchObject({ phase: 'Validating', gateResults: [gate], context: { a: 1 }, reason: null });
    expect(u.updatedAt).toBe(5_000);
    expect(u.startedAt).toBe(1_000);
    const done = store.updateRollout(r.id, { phase: 'Complete', reason: 'done', endedAt: 6_000 });
    expect(done).toMatchObject({ phase: 'Complete', reason: 'done', endedAt: 6_000, context: { a: 1 } });
    expect(store.getRollout(r.id)).toEqual(done);
  });

  it('lists newest first, per deployment, with a limit', () => {
    store.insertRollout(base);
    store.insertRollout({ ...base, candidateVersion: 'v3' });
    store.insertRollout({ ...base, deployment: 'other' });
    expect(store.listRollouts('spam').map((r) => r.candidateVersion)).toEqual(['v3', 'v2']);
    expect(store.listRollouts('spam', 1).map((r) => r.id)).toEqual([2]);
    expect(store.listRollouts('nobody')).toEqual([]);
  });

  it('refuses to update a rollout that does not exist', () => {
    expect(() => store.updateRollout(42, { phase: 'x' })).toThrow(
      expect.objectContaining({ code: 'GL_NOT_FOUND' }),
    );
    expect(store.getRollout(42)).toBeUndefined();
  });
});

describe('intents', () => {
  it('are pending until consumed, oldest first, filtered by deployment', () => {
    const a = store.addIntent({
      deployment: 'spam',
      kind: 'promote',
      actor: 'ops',
      reason: 'ok',
      payload: {},
    });
    const b = store.addIntent({
      deployment: 'other',
      kind: 'abort',
      actor: 'ops',
      reason: null,
      payload: { x: 1 },
    });
    const c = store.addIntent({
      deployment: 'spam',
      kind: 'rollback',
      actor: 'ci',
      reason: null,
      payload: {},
    });
    expect(a).toMatchObject({
      id: 1,
      kind: 'promote',
      actor: 'ops',
      reason: 'ok',
      createdAt: 1_000,
      consumedAt: null,
    });
    expect(store.pendingIntents().map((i) => i.id)).toEqual([a.id, b.id, c.id]);
    expect(store.pendingIntents('spam').map((i) => i.id)).toEqual([a.id, c.id]);
    clock = 3_000;
    store.consumeIntent(a.id);
    clock = 4_000;
    store.consumeIntent(a.id); // repeat-safe: keeps the first consumption time
    expect(store.pendingIntents('spam').map((i) => i.id)).toEqual([c.id]);
    expect(store.pendingIntents()[0]).toEqual(b);
    expect(() => store.consumeIntent(99)).toThrow(expect.objectContaining({ code: 'GL_NOT_FOUND' }));
  });
});

describe('meta', () => {
  it('stores JSON values and deletes on undefined', () => {
    expect(store.getMeta('router')).toBeUndefined();
    store.setMeta('router', { url: 'http://127.0.0.1:1', pids: [1, 2] });
    store.setMeta('router', { url: 'http://127.0.0.1:2', pids: [3] });
    store.setMeta('n', 0);
    expect(store.getMeta('router')).toEqual({ url: 'http://127.0.0.1:2', pids: [3] });
    expect(store.getMeta<number>('n')).toBe(0);
    store.setMeta('n', undefined);
    expect(store.getMeta('n')).toBeUndefined();
  });
});

describe('transactions', () => {
  it('roll back every write, audit included, when the function throws', () => {
    expect(() =>
      store.transaction(() => {
        store.putDeployment({
          name: 'spam',
          spec,
          activeColor: 'blue',
          versions: {},
          generation: 1,
          currentRolloutId: null,
        });
        store.appendAudit({ deployment: 'spam', rolloutId: null, kind: 'deploy', actor: 'c', data: {} });
        throw new Error('crash between the write and its side effect');
      }),
    ).toThrow('crash');
    expect(store.getDeployment('spam')).toBeUndefined();
    expect(store.listAudit()).toEqual([]);
    expect(store.auditHead().count).toBe(0);
    // The chain continues from genesis after the rollback.
    store.appendAudit({ deployment: 'spam', rolloutId: null, kind: 'deploy', actor: 'c', data: {} });
    expect(store.verifyAudit()).toEqual({ ok: true, records: 1 });
  });

  it('nest: an inner failure caught by the outer function undoes only the inner writes', () => {
    const result = store.transaction(() => {
      store.setMeta('outer', 1);
      try {
        store.transaction(() => {
          store.setMeta('inner', 1);
          throw new Error('inner');
        });
      } catch {
        // the outer step decides to carry on
      }
      return store.transaction(() => {
        store.setMeta('inner2', 2);
        return 'done';
      });
    });
    expect(result).toBe('done');
    expect([store.getMeta('outer'), store.getMeta('inner'), store.getMeta('inner2')]).toEqual([
      1,
      undefined,
      2,
    ]);
  });

  it('refuse an async function (it would commit before its awaits)', () => {
    expect(() =>
      store.transaction(async () => {
        store.setMeta('x', 1);
      }),
    ).toThrow(expect.objectContaining({ code: 'GL_STORE_ASYNC_TRANSACTION' }));
    expect(store.getMeta('x')).toBeUndefined();
  });
});

describe('durability and schema', () => {
  it('a reopened file has the same state', () => {
    const d = store.putDeployment({
      name: 'spam',
      spec,
      activeColor: 'green',
      versions: { green: 'v2' },
      generation: 2,
      currentRolloutId: null,
    });
    const r = store.insertRollout({
      deployment: 'spam',
      phase: 'Observing',
      baseline: 'blue',
      candidate: 'green',
      baselineVersion: 'v1',
      candidateVersion: 'v2',
      spec,
      context: { switchedAt: 5 },
      gateResults: [gate],
      reason: null,
    });
    const i = store.addIntent({
      deployment: 'spam',
      kind: 'rollback',
      actor: 'ops',
      reason: 'pager',
      payload: {},
    });
    store.appendAudit({
      deployment: 'spam',
      rolloutId: r.id,
      kind: 'switch',
      actor: 'controller',
      data: { to: 'green' },
    });
    store.setMeta('router', { port: 1 });
    const head = store.auditHead();
    store.close();

    store = open();
    expect(store.getDeployment('spam')).toEqual(d);
    expect(store.getRollout(r.id)).toEqual(r);
    expect(store.pendingIntents()).toEqual([i]);
    expect(store.getMeta('router')).toEqual({ port: 1 });
    expect(store.auditHead()).toEqual(head);
    expect(store.verifyAudit().ok).toBe(true);
  });

  it('uses WAL with synchronous=FULL and records the schema version', () => {
    store.close();
    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    store = open();
  });

  it('refuses a database written by a newer greenlight', () => {
    store.close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => open()).toThrow(expect.objectContaining({ code: 'GL_STORE_SCHEMA_TOO_NEW' }));
    store = openStore(':memory:');
  });

  it('with mustExist, does not create a missing file', () => {
    expect(() => openStore(join(dir, 'nope.db'), { mustExist: true })).toThrow(
      expect.objectContaining({ code: 'GL_STORE_OPEN' }),
    );
  });

  it('a second connection (audit verify beside the control plane) reads committed writes while the first stays open', () => {
    store.appendAudit({ deployment: 'spam', rolloutId: null, kind: 'deploy', actor: 'c', data: {} });
    const reader = openStore(file, { mustExist: true });
    try {
      expect(reader.verifyAudit()).toEqual({ ok: true, records: 1 });
      store.appendAudit({ deployment: 'spam', rolloutId: null, kind: 'deploy', actor: 'c', data: {} });
      expect(reader.auditHead().count).toBe(2);
      expect(reader.verifyAudit().ok).toBe(true);
    } finally {
      reader.close();
    }
  });

  it('works in memory', () => {
    const mem = openStore(':memory:');
    mem.setMeta('a', [1]);
    expect(mem.getMeta('a')).toEqual([1]);
    mem.close();
  });
});
