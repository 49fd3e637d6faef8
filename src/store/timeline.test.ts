import { beforeEach, describe, expect, it } from 'vitest';
import { openStore, type SqliteStore } from './sqlite-store.js';
import { servingTimeline, versionAt } from './timeline.js';
import type { SwitchAuditData } from './types.js';

let store: SqliteStore;

function change(kind: string, data: SwitchAuditData, deployment = 'spam'): void {
  store.appendAudit({ deployment, rolloutId: 1, kind, actor: 'controller', data: { ...data } });
}

beforeEach(() => {
  store = openStore(':memory:');
  // Bootstrap at t=1000 (blue v1), switch to green v2 at t=5000, rolled back at t=9000.
  change('activate', {
    from: null,
    to: 'blue',
    fromVersion: null,
    toVersion: 'v1',
    generation: 1,
    switchedAt: 1000,
  });
  store.appendAudit({
    deployment: 'spam',
    rolloutId: 1,
    kind: 'gate',
    actor: 'controller',
    data: { gate: 'agreement' },
  });
  change('switch', {
    from: 'blue',
    to: 'green',
    fromVersion: 'v1',
    toVersion: 'v2',
    generation: 2,
    switchedAt: 5000,
  });
  change(
    'switch',
    { from: 'blue', to: 'green', fromVersion: 'x', toVersion: 'x', generation: 1, switchedAt: 6000 },
    'other',
  );
  change('rollback', {
    from: 'green',
    to: 'blue',
    fromVersion: 'v2',
    toVersion: 'v1',
    generation: 3,
    switchedAt: 9000,
  });
});

describe('versionAt', () => {
  it('is undefined before the first activation', () => {
    expect(versionAt(store, 'spam', 999)).toBeUndefined();
    expect(versionAt(store, 'nobody', 5000)).toBeUndefined();
  });

  it('answers "which version served at time X" around a switch and a rollback', () => {
    expect(versionAt(store, 'spam', 1000)).toMatchObject({ color: 'blue', version: 'v1', kind: 'activate' });
    expect(versionAt(store, 'spam', 4999)).toMatchObject({ color: 'blue', version: 'v1', until: 5000 });
    // The switch instant belongs to the new color: every request arriving from switchedAt on went there.
    expect(versionAt(store, 'spam', 5000)).toMatchObject({
      color: 'green',
      version: 'v2',
      kind: 'switch',
      generation: 2,
    });
    expect(versionAt(store, 'spam', 8999)).toMatchObject({ color: 'green', version: 'v2', until: 9000 });
    expect(versionAt(store, 'spam', 9000)).toMatchObject({
      color: 'blue',
      version: 'v1',
      kind: 'rollback',
      until: null,
    });
    expect(versionAt(store, 'spam', 1e12)).toMatchObject({ version: 'v1', generation: 3 });
  });

  it('keeps deployments apart', () => {
    expect(versionAt(store, 'other', 7000)).toMatchObject({ color: 'green', version: 'x' });
    expect(versionAt(store, 'other', 5000)).toBeUndefined();
  });
});

describe('servingTimeline', () => {
  it('lists contiguous intervals with the audit seq that proves each', () => {
    expect(servingTimeline(store, 'spam')).toEqual(
      [
        { color: 'blue', version: 'v1', from: 1000, until: 5000, seq: 1, kind: 'activate', generation: 1 },
        { color: 'green', version: 'v2', from: 5000, until: 9000, seq: 3, kind: 'switch', generation: 2 },
        { color: 'blue', version: 'v1', from: 9000, until: null, seq: 5, kind: 'rollback', generation: 3 },
      ].map((i) => ({ ...i, shares: [{ color: i.color, version: i.version, percent: 100 }] })),
    );
  });

  it("answers which share of requests went to which version during a staged rollout's steps", () => {
    const split = (at: number, percent: number) =>
      change('weights', {
        from: null,
        to: 'blue',
        fromVersion: null,
        toVersion: 'v1',
        generation: 3,
        switchedAt: at,
        shares: [
          { color: 'blue', version: 'v1', percent: 100 - percent },
          { color: 'green', version: 'v3', percent },
        ],
      });
    split(10_000, 10);
    split(12_000, 50);
    change('switch', {
      from: 'blue',
      to: 'green',
      fromVersion: 'v1',
      toVersion: 'v3',
      generation: 4,
      switchedAt: 14_000,
    });
    expect(versionAt(store, 'spam', 9500)?.shares).toEqual([{ color: 'blue', version: 'v1', percent: 100 }]);
    expect(versionAt(store, 'spam', 11_000)).toMatchObject({
      kind: 'weights',
      from: 10_000,
      until: 12_000,
      shares: [
        { color: 'blue', version: 'v1', percent: 90 },
        { color: 'green', version: 'v3', percent: 10 },
      ],
    });
    expect(versionAt(store, 'spam', 13_999)?.shares[1]).toEqual({
      color: 'green',
      version: 'v3',
      percent: 50,
    });
    expect(versionAt(store, 'spam', 14_000)).toMatchObject({ kind: 'switch', color: 'green', version: 'v3' });
  });

  it('ignores switch records without the switch fields', () => {
    store.appendAudit({
      deployment: 'spam',
      rolloutId: 2,
      kind: 'switch',
      actor: 'c',
      data: { note: 'requested' },
    });
    expect(servingTimeline(store, 'spam')).toHaveLength(3);
  });
});
