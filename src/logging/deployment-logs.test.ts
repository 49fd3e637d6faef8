import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testSpec } from '../controller/testing/spec.js';
import { openStore } from '../store/sqlite-store.js';
import { deploymentLogs } from './deployment-logs.js';

describe('deploymentLogs', () => {
  it("writes each deployment's events as JSON lines to its spec's logsPath, with phase, color and version", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-logs-'));
    const store = openStore(':memory:');
    const spec = testSpec({ name: 'spam' });
    spec.observability = { ...spec.observability, logsPath: join(dir, 'spam.log') };
    const quiet = testSpec({ name: 'quiet' });
    quiet.observability = { ...quiet.observability, logsPath: undefined };
    const rollout = store.insertRollout({
      deployment: 'spam',
      phase: 'Validating',
      baseline: 'blue',
      candidate: 'green',
      baselineVersion: 'v1',
      candidateVersion: 'v2',
      spec,
      context: {},
      gateResults: [],
      reason: null,
    });
    const base = { activeColor: 'blue' as const, versions: { blue: 'v1' }, generation: 1 };
    store.putDeployment({ name: 'spam', spec, ...base, currentRolloutId: rollout.id });
    store.putDeployment({ name: 'quiet', spec: quiet, ...base, currentRolloutId: null });
    const seen: string[] = [];
    const console = { info: (m: string) => seen.push(m), warn: (m: string) => seen.push(m), error: () => {} };
    const log = deploymentLogs(store, console);

    log.info('transition', { deployment: 'spam', from: 'WarmingUp', event: 'warmedUp' });
    log.warn('intent refused', { deployment: 'quiet', why: 'no logsPath: console only' });
    log.info('no deployment named');
    await log.close();

    expect(seen).toEqual(['transition', 'intent refused', 'no deployment named']);
    const lines = readFileSync(join(dir, 'spam.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'transition',
      level: 'info',
      deployment: 'spam',
      phase: 'Validating',
      color: 'green',
      version: 'v2',
      from: 'WarmingUp',
      trigger: 'warmedUp',
    });
    expect(typeof lines[0].time).toBe('string');
    store.close();
  });
});
