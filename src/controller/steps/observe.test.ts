import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ColorSignals } from '../../metrics/types.js';
import type { DeploymentSpec } from '../../spec/types.js';
import { createHarness, type Harness } from '../testing/harness.js';
import { testSpec } from '../testing/spec.js';

const DAY = 86_400_000;
let dir: string;
let h: Harness;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-obs-'));
});
afterEach(() => {
  h?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const BLUE_BINS = [0, 0, 0, 0, 0, 10, 10, 20, 30, 30];
const SHIFTED = [30, 30, 20, 10, 10, 0, 0, 0, 0, 0];

async function observing(spec: DeploymentSpec = testSpec()): Promise<Harness> {
  h = createHarness({ file: join(dir, 'gl.db') });
  // the baseline's signals before the switch: what latency and confidence rules compare with
  h.signals.set('blue', { p95LatencySeconds: 0.01, scoreBins: BLUE_BINS });
  h.intent('apply', { spec });
  await h.until(() => h.rollout()?.phase === 'Observing' && h.store.listRollouts('spam').length === 2);
  return h;
}

const rollbackAudit = () => h.store.listAudit({ deployment: 'spam' }).find((a) => a.kind === 'rollback');

describe('observation: automatic rollback', () => {
  const cases: {
    rule: string;
    green: Partial<ColorSignals>;
    forMs: number;
    measured: (m: number) => boolean;
  }[] = [
    {
      rule: 'latencyRegression',
      green: { p95LatencySeconds: 0.02 },
      forMs: 120_000,
      measured: (m) => m === 0.02,
    },
    {
      rule: 'errorRate',
      green: { errorRatio: 0.05, requests: 100, errors: 5 },
      forMs: 60_000,
      measured: (m) => m === 0.05,
    },
    { rule: 'notReady', green: { readyReplicas: 0 }, forMs: 60_000, measured: (m) => m === 0 },
    { rule: 'confidenceShift', green: { scoreBins: SHIFTED }, forMs: 120_000, measured: (m) => m > 0.25 },
  ];
  for (const c of cases) {
    it(`${c.rule}: breach held for its \`for\` rolls back to blue, not before`, async () => {
      await observing();
      h.signals.set('green', c.green);
      const start = h.clock.now();
      await h.pass(); // pending from here
      let firedAt = 0;
      await h.until(
        () => {
          if (h.rollout()?.phase === 'RolledBack' && !firedAt) firedAt = h.clock.now();
          return h.store.getDeployment('spam')?.currentRolloutId === null;
        },
        { stepMs: 10_000 },
      );
      expect(firedAt - start).toBeGreaterThanOrEqual(c.forMs);
      expect(firedAt - start).toBeLessThanOrEqual(c.forMs + 10_000);
      expect((await h.router.state()).active).toBe('blue');
      expect(h.router.rollbackCount).toBe(1);
      const rb = rollbackAudit()!;
      expect(rb.data).toMatchObject({
        rule: c.rule,
        from: 'green',
        to: 'blue',
        fromVersion: 'v2',
        toVersion: 'v1',
      });
      expect(c.measured(rb.data.measured as number)).toBe(true);
      expect(rb.data.threshold).not.toBeNull();
      expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
      expect(h.store.getDeployment('spam')).toMatchObject({ activeColor: 'blue', versions: { blue: 'v1' } });
      expect(h.store.verifyAudit().ok).toBe(true);
    });
  }

  it('a breach shorter than `for` does not roll back; no data for 7 days is not a breach', async () => {
    await observing();
    h.signals.set('green', { errorRatio: 0.5 });
    for (let i = 0; i < 5; i++) {
      await h.pass();
      h.clock.advance(10_000);
    }
    expect(h.rollout()!.context.rules).toMatchObject({ errorRate: { state: 'pending' } });
    h.signals.clear('green'); // no data from here on
    await h.until(() => h.rollout()?.phase === 'Complete', { stepMs: DAY / 4 });
    expect(h.router.rollbackCount).toBe(0);
    const alerts = h.store.listAudit({ deployment: 'spam' }).filter((a) => a.kind === 'alert');
    expect(alerts.map((a) => a.data.state)).toEqual(['pending', 'inactive']);
  });

  it('a restarted controller keeps the `for` timer: it fires 60 s after the breach began, not after the restart', async () => {
    await observing();
    h.signals.set('green', { errorRatio: 0.2 });
    h.clock.advance(10_000);
    await h.pass(); // first evaluation with the breach: pending since now
    const pendingSince = h.clock.now();
    expect(h.rollout()!.context.rules).toMatchObject({
      errorRate: { state: 'pending', since: pendingSince },
    });
    for (let t = 10_000; t <= 30_000; t += 10_000) {
      h.clock.advance(10_000);
      await h.pass();
    }
    h.restart(); // a new controller with nothing in memory
    h.clock.advance(20_000);
    await h.pass();
    expect(h.clock.now() - pendingSince).toBe(50_000);
    expect(h.rollout()!.phase).toBe('Observing');
    h.clock.advance(10_000);
    await h.pass();
    expect(h.rollout()!.phase).toBe('RolledBack');
  });

  it('rollbackOnAlert: false records the firing alert but keeps traffic on green', async () => {
    const spec = testSpec();
    spec.observation.rollbackOnAlert = false;
    await observing(spec);
    h.signals.set('green', { errorRatio: 0.2 });
    for (let i = 0; i < 10; i++) {
      await h.pass();
      h.clock.advance(10_000);
    }
    expect(h.rollout()!.phase).toBe('Observing');
    expect(
      h.store.listAudit({ deployment: 'spam' }).some((a) => a.kind === 'alert' && a.data.state === 'firing'),
    ).toBe(true);
  });
});

describe('teardown safety checks (seed cleanup-blue.sh)', () => {
  it('refuses teardown when green logged more errors than maxGreenErrors in the window: both slots kept', async () => {
    await observing();
    // 0.5% errors: under the error-rate rule, but they add up over the window
    h.signals.set('green', { errorRatio: 0.005, requests: 1000, errors: 5 });
    await h.until(() => h.store.getDeployment('spam')?.currentRolloutId === null, {
      stepMs: 3_600_000,
      maxPasses: 400,
    });
    const r = h.rollout()!;
    expect(r.phase).toBe('Failed');
    expect(r.reason).toMatch(/teardown refused: green logged \d+ errors in the window \(limit 100\)/);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1', 'spam/green-0', 'spam/green-1']);
    expect((await h.router.state()).active).toBe('green');
  });

  it('refuses teardown when the router does not serve green', async () => {
    await observing();
    await h.router.switchTo('blue'); // someone switched behind the controller's back
    await h.until(() => h.store.getDeployment('spam')?.currentRolloutId === null, { stepMs: DAY });
    expect(h.rollout()!.reason).toContain('the router serves blue, not green');
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1', 'spam/green-0', 'spam/green-1']);
  });
});

describe('end of the window', () => {
  it('waits for a pending rule to settle before tearing the previous slot down', async () => {
    await observing();
    // jump to just before the window ends, then a breach starts
    h.clock.advance(7 * DAY - 20_000);
    await h.pass();
    h.signals.set('green', { errorRatio: 0.5 });
    h.clock.advance(10_000);
    await h.pass();
    expect(h.rollout()!.context.rules).toMatchObject({ errorRate: { state: 'pending' } });
    h.clock.advance(20_000); // window over, rule still pending
    await h.pass();
    expect(h.rollout()!.phase).toBe('Observing');
    h.clock.advance(40_000); // held for its 60 s: fires
    await h.pass();
    expect(h.rollout()!.phase).toBe('RolledBack');
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
  });
});
