import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeDeployment, listDeploymentStatuses, rolloutHistory } from './describe.js';
import { createHarness, type Harness } from './testing/harness.js';
import { testSpec } from './testing/spec.js';

let dir: string;
let h: Harness;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-desc-'));
  h = createHarness({ file: join(dir, 'gl.db') });
});
afterEach(() => {
  h.store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('describes a deployment from the store: pending apply, then the rollout as it moves', async () => {
  expect(describeDeployment(h.store, 'spam')).toBeUndefined();
  h.intent('apply', { spec: testSpec(), actor: 'alice' });
  expect(describeDeployment(h.store, 'spam')).toMatchObject({
    phase: 'Idle',
    pendingIntents: [{ kind: 'apply', actor: 'alice' }],
  });

  await h.until(() => h.rollout()?.phase === 'SwitchDelay' && h.store.listRollouts('spam').length === 2);
  const s = describeDeployment(h.store, 'spam')!;
  expect(s).toMatchObject({
    phase: 'SwitchDelay',
    activeColor: 'blue',
    activeVersion: 'v1',
    versions: { blue: 'v1', green: 'v2' },
    inProgress: true,
    spec: { blue: { modelVersion: 'v1' }, green: { modelVersion: 'v2' } },
    pendingIntents: [],
  });
  expect(s.rollout).toMatchObject({
    candidate: 'green',
    baseline: 'blue',
    candidateVersion: 'v2',
    terminal: false,
  });
  expect(s.rollout!.gateResults.map((g) => g.gate)).toEqual(['health', 'agreement']);
  expect(s.rollout!.switchAt).toBeGreaterThan(h.clock.now() - 5000);

  await h.until(() => h.rollout()?.phase === 'Observing');
  const o = describeDeployment(h.store, 'spam')!;
  expect(o).toMatchObject({ phase: 'Observing', activeColor: 'green', activeVersion: 'v2', generation: 1 });
  expect(o.rollout!.observationEndsAt).toBe(o.rollout!.switched!.switchedAt + 7 * 86_400_000);

  h.intent('rollback');
  await h.pass();
  const r = describeDeployment(h.store, 'spam')!;
  expect(r).toMatchObject({ phase: 'Idle', inProgress: false, activeColor: 'blue', generation: 2 });
  expect(r.rollout).toMatchObject({
    phase: 'RolledBack',
    terminal: true,
    finalized: true,
    breach: { rule: 'operator' },
  });
  expect(rolloutHistory(h.store, 'spam').map((x) => x.phase)).toEqual(['RolledBack', 'Complete']);
  expect(listDeploymentStatuses(h.store).map((x) => x.name)).toEqual(['spam']);
});
