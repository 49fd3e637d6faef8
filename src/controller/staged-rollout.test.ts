import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeView } from '../control-plane/deployment-view.js';
import { renderView } from '../control-plane/render.js';
import type { DeploymentSpec } from '../spec/types.js';
import { servingTimeline } from '../store/timeline.js';
import { describeDeployment } from './describe.js';
import { createHarness, type Harness } from './testing/harness.js';
import { testSpec } from './testing/spec.js';

const DAY = 86_400_000;
let dir: string;
let h: Harness;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-steps-'));
  h = createHarness({ file: join(dir, 'gl.db') });
  h.signals.set('blue', { p95LatencySeconds: 0.01, readyReplicas: 2 });
  h.signals.set('green', { p95LatencySeconds: 0.01, readyReplicas: 2 });
});
afterEach(() => {
  h.store.close();
  rmSync(dir, { recursive: true, force: true });
});

function staged(steps: DeploymentSpec['rollout'] = { steps: [] }): DeploymentSpec {
  const spec = testSpec();
  spec.rollout = steps;
  return spec;
}

const audit = (kind: string) => h.store.listAudit({ deployment: 'spam' }).filter((a) => a.kind === kind);
const phase = () => h.rollout()?.phase;

/** Send `n` user requests through the fake router; the share that green answered. */
function greenShare(n = 100): number {
  let green = 0;
  for (let i = 0; i < n; i++) if (h.router.route().served === 'green') green++;
  return green / n;
}

async function untilStepping(spec: DeploymentSpec): Promise<void> {
  h.intent('apply', { spec });
  await h.until(() => h.store.listRollouts('spam').length === 2 && phase() === 'Stepping');
}

describe('staged rollout (spec.rollout.steps)', () => {
  it('moves traffic through the steps by weight, then switches; status, audit and timeline show each share', async () => {
    await untilStepping(
      staged({
        steps: [{ weight: 10, pauseSeconds: 60 }, { weight: 50, pauseSeconds: 60 }, { weight: 100 }],
      }),
    );
    await h.pass();
    expect(await h.router.state()).toMatchObject({ active: 'blue', weights: { blue: 90, green: 10 } });
    expect(greenShare()).toBeCloseTo(0.1, 5);
    const status = describeDeployment(h.store, 'spam')!;
    expect(status.phase).toBe('Stepping');
    expect(status.rollout?.step).toMatchObject({ number: 1, of: 2, weight: 10 });
    expect(status.rollout?.step?.pauseEndsAt).toBe(status.rollout!.step!.startedAt + 60_000);
    const text = renderView(describeView(h.store, 'spam')!);
    expect(text).toContain(
      `step           1/2: 10% of traffic to green, next step at ${new Date(status.rollout!.step!.pauseEndsAt!).toISOString()}`,
    );

    // the pause has not passed: still at 10%
    h.clock.advance(30_000);
    await h.pass();
    expect((await h.router.state()).weights).toEqual({ blue: 90, green: 10 });
    h.clock.advance(30_000);
    await h.pass();
    expect((await h.router.state()).weights).toEqual({ blue: 50, green: 50 });
    expect(greenShare()).toBeCloseTo(0.5, 5);
    expect(describeDeployment(h.store, 'spam')!.rollout?.step).toMatchObject({ number: 2, weight: 50 });

    h.clock.advance(60_000);
    await h.until(() => phase() === 'Observing');
    expect(await h.router.state()).toMatchObject({ active: 'green', weights: null });
    expect(greenShare()).toBe(1);
    expect(h.router.switchCount).toBe(1);

    const weights = audit('weights');
    expect(weights.map((w) => w.data.weight)).toEqual([10, 50]);
    expect(weights[0].data.statement).toMatch(
      /10% of requests are served by v2 \(green\), 90% by v1 \(blue\)/,
    );
    const timeline = servingTimeline(h.store, 'spam').map((i) => [i.kind, i.shares.map((s) => s.percent)]);
    expect(timeline).toEqual([
      ['switch', [100]], // the bootstrap: v1 (blue) serves everyone
      ['weights', [90, 10]],
      ['weights', [50, 50]],
      ['switch', [100]],
    ]);
    const transitions = audit('transition')
      .filter((a) => a.rolloutId === h.rollout()!.id)
      .map((a) => `${a.data.from}->${a.data.to}`);
    expect(transitions.slice(-4)).toEqual([
      'SwitchDelay->Stepping',
      'Stepping->Stepping',
      'Stepping->Switching',
      'Switching->Observing',
    ]);
    await h.until(() => phase() === 'Complete', { stepMs: DAY, maxPasses: 20 });
  });

  it("a breach during a step compares the candidate's share with the baseline's in the same window and rolls back to 0% at once", async () => {
    await untilStepping(staged({ steps: [{ weight: 10, pauseSeconds: 600 }] }));
    await h.pass();
    // The baseline gets slower too (load): the candidate is compared with that, not with a stale number.
    h.signals.set('blue', { p95LatencySeconds: 0.05 });
    h.signals.set('green', { p95LatencySeconds: 0.055 });
    h.clock.advance(200_000);
    await h.pass();
    expect(phase()).toBe('Stepping');
    expect(h.rollout()!.context.rules).toMatchObject({ latencyRegression: { state: 'inactive' } });
    // Now only the candidate is slow: 0.2 s > 1.2 × 0.05 s, for the rule's 120 s.
    h.signals.set('green', { p95LatencySeconds: 0.2 });
    await h.until(() => phase() === 'RolledBack', { stepMs: 10_000 });
    expect(await h.router.state()).toMatchObject({ active: 'blue', weights: null });
    expect(greenShare()).toBe(0);
    expect(h.router.switchCount).toBe(0);
    expect(h.router.rollbackCount).toBe(0);
    const [rollback] = audit('rollback');
    expect(rollback.data).toMatchObject({ rule: 'latencyRegression', measured: 0.2, to: 'blue' });
    expect(String(rollback.data.detail)).toContain('at step 1/1 (10% to green)');
    expect(servingTimeline(h.store, 'spam').at(-1)).toMatchObject({
      kind: 'rollback',
      shares: [{ color: 'blue', percent: 100 }],
    });
    await h.until(() => h.rollout()!.context.finalized === true);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
  });

  it('promote --full skips the remaining steps; a step without a pause waits for promote', async () => {
    await untilStepping(staged({ steps: [{ weight: 5 }, { weight: 20 }, { weight: 60, pauseSeconds: 60 }] }));
    await h.pass();
    h.clock.advance(DAY);
    await h.pass();
    // no pause: a day later the first step still holds
    expect((await h.router.state()).weights).toEqual({ blue: 95, green: 5 });
    h.intent('promote');
    await h.pass();
    expect((await h.router.state()).weights).toEqual({ blue: 80, green: 20 });
    h.store.addIntent({
      deployment: 'spam',
      kind: 'promote',
      actor: 'alice',
      reason: null,
      payload: { full: true },
    });
    await h.pass();
    expect(phase()).toBe('Observing');
    expect(audit('weights').map((w) => w.data.weight)).toEqual([5, 20]);
    expect(audit('intent').at(-1)?.data).toMatchObject({ intent: 'promote', accepted: true, full: true });
    expect(audit('transition').at(-2)?.data).toMatchObject({
      from: 'Stepping',
      to: 'Switching',
      event: 'promoteFull',
    });
  });

  it('a step that keeps failing ends Failed with the split cleared and recorded: the previous slot serves everyone', async () => {
    await untilStepping(
      staged({
        steps: [
          { weight: 10, pauseSeconds: 60 },
          { weight: 50, pauseSeconds: 60 },
        ],
      }),
    );
    await h.pass();
    h.clock.advance(60_000);
    // the router is unreachable from the second step on: five failures over 40 s give up
    h.router.failNext('state', 5);
    await h.until(() => phase() === 'Failed', { stepMs: 10_000 });
    await h.until(() => h.rollout()!.context.finalized === true);
    expect(await h.router.state()).toMatchObject({ active: 'blue', weights: null });
    expect(greenShare()).toBe(0);
    expect(servingTimeline(h.store, 'spam').at(-1)).toMatchObject({
      kind: 'weights',
      until: null,
      shares: [{ color: 'blue', version: 'v1', percent: 100 }],
    });
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
  });

  it('abort is refused during a step (users reach the candidate): rollback is the way back', async () => {
    await untilStepping(staged({ steps: [{ weight: 10 }] }));
    h.intent('abort');
    await h.pass();
    expect(audit('intent').at(-1)?.data).toMatchObject({ accepted: false });
    expect(String(audit('intent').at(-1)?.data.why)).toContain('after the switch use rollback');
    h.intent('rollback');
    await h.pass();
    expect(phase()).toBe('RolledBack');
    expect((await h.router.state()).weights).toBeNull();
  });
});

describe('observation.baselineReplicas', () => {
  function cheap(): DeploymentSpec {
    const spec = testSpec();
    spec.observation.baselineReplicas = 1;
    return spec;
  }

  it('scales the previous slot to N warm replicas after the switch; a rollback moves traffic first, then scales back up', async () => {
    h.intent('apply', { spec: cheap() });
    await h.until(() => h.store.listRollouts('spam').length === 2 && phase() === 'Observing');
    await h.pass();
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/green-0', 'spam/green-1']);
    const [warm] = (await h.platform.status('spam', 'blue')).replicas;
    expect(h.router.backends.blue).toEqual([warm.url]);
    expect(audit('scale')[0].data).toMatchObject({ color: 'blue', from: 2, to: 1 });

    // When the router switches back, blue still has its one warm replica: traffic first.
    let backendsAtRollback: string[] = [];
    const rollback = h.router.rollback.bind(h.router);
    h.router.rollback = async () => {
      backendsAtRollback = [...h.router.backends.blue];
      return rollback();
    };
    h.signals.set('green', { errorRatio: 0.5, requests: 100, errors: 50 });
    await h.until(() => h.rollout()!.context.finalized === true, { stepMs: 10_000 });
    expect(phase()).toBe('RolledBack');
    expect(backendsAtRollback).toEqual([warm.url]);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.router.backends.blue).toHaveLength(2);
    expect(h.router.backends.blue[0]).toBe(warm.url);
    expect(audit('scale').map((a) => [a.data.from, a.data.to, a.data.why])).toEqual([
      [2, 1, 'observation.baselineReplicas'],
      [1, 2, 'rollback'],
    ]);
    const rollbackSeq = audit('rollback')[0].seq;
    expect(audit('scale')[1].seq).toBeGreaterThan(rollbackSeq);
  });
});
