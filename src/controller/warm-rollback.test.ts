import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runWarmRollback } from './testing/warm-rollback.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-warm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('observation.baselineReplicas on the local platform: one warm replica takes traffic back at once under load, then the slot scales back up', async () => {
  const run = await runWarmRollback({ dir, concurrency: 4, replicas: 2, baselineReplicas: 1 });
  expect(run.baselineReplicas).toEqual({ observing: 1, afterRollback: 2 });
  expect(run.failed).toBe(0);
  expect(run.candidateAfterRollback).toBe(0);
  expect(run.baselineAfterRollback).toBeGreaterThan(0);
  // traffic came back before the slot had its replicas again: the warm replica served first
  expect(run.breachToTrafficBackMs).toBeLessThan(run.breachToScaledBackMs);
}, 60_000);
