import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GreenlightError } from '../errors.js';
import { createHarness, gate, type Harness } from './testing/harness.js';
import { testSpec } from './testing/spec.js';

const DAY = 86_400_000;
let dir: string;
let h: Harness;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-ctl-'));
});
afterEach(() => {
  h?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

const phases = (hh: Harness, id?: number) =>
  hh.store
    .listAudit({ deployment: 'spam' })
    .filter((a) => a.kind === 'transition' && (id === undefined || a.rolloutId === id))
    .map((a) => a.data.to);

async function bootstrapped(hh: Harness): Promise<void> {
  hh.intent('apply', { spec: testSpec() });
  // bootstrap blue, then the green rollout starts
  await hh.until(() => hh.store.listRollouts('spam').length === 2);
}

describe('controller: happy path', () => {
  it('bootstraps blue, then validates, switches, observes 7 days and tears blue down', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    const [second, first] = h.store.listRollouts('spam');
    expect(first.phase).toBe('Complete');
    expect(first.context.bootstrap).toBe(true);
    expect(phases(h, first.id)).toEqual([
      'DeployingGreen',
      'WaitingReady',
      'WarmingUp',
      'Switching',
      'Complete',
    ]);
    expect(h.store.getDeployment('spam')?.activeColor).toBe('blue');
    expect(second.candidate).toBe('green');
    expect(second.baselineVersion).toBe('v1');

    // Users send traffic while the rollout runs; none may reach green before the switch.
    await h.until(() => {
      h.router.route();
      return h.rollout()?.phase === 'Observing';
    });
    const switchAt = h.store
      .listAudit({ deployment: 'spam' })
      .find((a) => a.kind === 'switch' && a.data.to === 'green');
    expect(switchAt?.data).toMatchObject({
      from: 'blue',
      to: 'green',
      fromVersion: 'v1',
      toVersion: 'v2',
      generation: 1,
    });
    const beforeSwitch = h.router.decisions.filter((d) => d.generation === 0);
    expect(beforeSwitch.length).toBeGreaterThan(0);
    expect(beforeSwitch.every((d) => d.served === 'blue')).toBe(true);
    // shadow copies went to green during validation, and shadow is off again
    expect(beforeSwitch.some((d) => d.shadowedTo === 'green')).toBe(true);
    expect(h.router.shadowHistory.at(-1)?.enabled).toBe(false);
    expect(h.validate.inputs[0]).toMatchObject({
      baselineColor: 'blue',
      candidateColor: 'green',
      pairSource: 'shadow',
    });
    expect(h.warmups.length).toBe(2 * 3 * 2); // bootstrap + candidate: 2 replicas × 3 requests each

    // 7 days in one jump per evaluation interval... in big steps
    await h.until(() => h.rollout()?.phase === 'Complete', { stepMs: DAY, maxPasses: 20 });
    expect(h.router.switchCount).toBe(1);
    expect(h.platform.running()).toEqual(['spam/green-0', 'spam/green-1']);
    const d = h.store.getDeployment('spam')!;
    expect(d).toMatchObject({ activeColor: 'green', currentRolloutId: null, versions: { green: 'v2' } });
    expect(phases(h, second.id)).toEqual([
      'DeployingGreen',
      'WaitingReady',
      'WarmingUp',
      'Validating',
      'SwitchDelay',
      'Switching',
      'Observing',
      'TearingDownBlue',
      'Complete',
    ]);
    expect(h.rollout()!.gateResults.map((g) => g.gate)).toEqual(['health', 'agreement']);
    expect(h.store.listAudit({ deployment: 'spam' }).filter((a) => a.kind === 'gate')).toHaveLength(2);
    expect(h.store.verifyAudit().ok).toBe(true);
  });

  it('colors alternate: the next rollout deploys blue as the candidate against green', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Complete', { stepMs: DAY });
    // re-applying the same spec starts nothing: blue v1 is what blue last served
    h.intent('apply', { spec: testSpec() });
    await h.pass();
    expect(h.store.listRollouts('spam')).toHaveLength(2);
    const noop = h.store.listAudit({ deployment: 'spam' }).at(-1)!;
    expect(noop.data).toMatchObject({ intent: 'apply', accepted: true, plan: 'none' });
    // editing the serving slot rolls nothing out, and the audit says what to do instead
    h.intent('apply', { spec: testSpec({ green: 'v2.1' }) });
    await h.pass();
    expect(h.store.listRollouts('spam')).toHaveLength(2);
    expect(h.store.listAudit({ deployment: 'spam' }).at(-1)!.data.why).toContain(
      'put the new version in blue (the idle slot)',
    );
    h.intent('apply', { spec: testSpec({ blue: 'v3' }) });
    await h.until(() => h.rollout()?.phase === 'Complete' && h.store.listRollouts('spam').length === 3, {
      stepMs: DAY,
    });
    const third = h.rollout()!;
    expect(third).toMatchObject({
      baseline: 'green',
      candidate: 'blue',
      baselineVersion: 'v2',
      candidateVersion: 'v3',
    });
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.store.getDeployment('spam')?.activeColor).toBe('blue');
    expect(h.router.switchCount).toBe(2);
  });
});

describe('controller: validation outcomes', () => {
  it('a failed gate tears green down, leaves blue untouched, and green never served a user', async () => {
    h = createHarness({
      file: join(dir, 'gl.db'),
      gates: () => [gate('health', 'passed'), gate('agreement', 'failed')],
    });
    await bootstrapped(h);
    await h.until(() => {
      h.router.route();
      return (
        h.rollout()?.phase === 'ValidationFailed' && h.store.getDeployment('spam')?.currentRolloutId === null
      );
    });
    expect(h.rollout()!.reason).toContain('agreement failed');
    expect(h.router.decisions.every((d) => d.served === 'blue')).toBe(true);
    expect(h.router.switchCount).toBe(0);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.router.backends.green).toEqual([]);
    expect(h.router.shadowHistory.at(-1)?.enabled).toBe(false);
    expect(h.store.getDeployment('spam')).toMatchObject({ activeColor: 'blue', versions: { blue: 'v1' } });
  });

  it('an inconclusive result never switches automatically; a promote does', async () => {
    h = createHarness({ file: join(dir, 'gl.db'), gates: () => [gate('agreement', 'inconclusive')] });
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'AwaitingPromotion');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(DAY);
      await h.pass();
    }
    expect(h.rollout()!.phase).toBe('AwaitingPromotion');
    expect(h.router.switchCount).toBe(0);
    h.intent('promote', { actor: 'bob', reason: 'checked by hand' });
    await h.pass();
    expect(h.rollout()!.phase).toBe('Observing');
    const audit = h.store.listAudit({ deployment: 'spam' });
    const promote = audit.find((a) => a.kind === 'transition' && a.data.event === 'promote');
    expect(promote).toMatchObject({ actor: 'bob' });
    expect(audit.find((a) => a.kind === 'intent' && a.data.intent === 'promote')?.data).toMatchObject({
      accepted: true,
      reason: 'checked by hand',
    });
  });

  it('manual promotion: autoSwitch off waits for promote', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    const spec = testSpec();
    spec.autoSwitch.enabled = false;
    h.intent('apply', { spec });
    await h.until(() => h.rollout()?.phase === 'AwaitingPromotion');
    h.clock.advance(DAY);
    await h.pass();
    expect(h.rollout()!.phase).toBe('AwaitingPromotion');
    h.intent('promote');
    await h.pass();
    expect(h.rollout()!.phase).toBe('Observing');
    expect(h.router.switchCount).toBe(1);
  });

  it('a candidate that never becomes ready is rejected after readyTimeoutSeconds', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.platform.setReady('spam', 'green', 1);
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'ValidationFailed', { stepMs: 60_000 });
    expect(h.rollout()!.reason).toContain('1 of 2 replicas ready after 300s');
    await h.pass();
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
  });
});

describe('controller: operator intents', () => {
  it('abort during validation tears green down and stops validation', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    let aborted = false;
    // a validation that only ends when it is aborted
    h.deps.validate = (input) =>
      new Promise((_, reject) => {
        input.signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        });
      });
    h.restart();
    h.intent('apply', { spec: testSpec() });
    for (let i = 0; i < 20 && h.rollout()?.phase !== 'Validating'; i++) await h.controller.reconcileOnce();
    expect(h.rollout()!.phase).toBe('Validating');
    expect(h.router.shadowHistory.at(-1)?.enabled).toBe(true);
    h.intent('abort', { actor: 'carol', reason: 'wrong model' });
    await h.controller.reconcileOnce();
    expect(h.rollout()).toMatchObject({ phase: 'Aborted' });
    expect(h.rollout()!.reason).toContain('carol');
    expect(aborted).toBe(true);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.router.shadowHistory.at(-1)?.enabled).toBe(false);
    expect(h.router.switchCount).toBe(0);
    expect(h.store.getDeployment('spam')?.currentRolloutId).toBeNull();
  });

  it('refuses intents that do not fit the phase, with an audit record saying why', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Observing');
    h.intent('abort');
    h.intent('promote');
    h.intent('apply', { spec: testSpec({ blue: 'v9' }) });
    await h.pass();
    const refused = h.store
      .listAudit({ deployment: 'spam' })
      .filter((a) => a.kind === 'intent' && a.data.accepted === false);
    expect(refused.map((a) => a.data.intent)).toEqual(['abort', 'promote', 'apply']);
    expect(refused[0].data.why).toContain('use rollback');
    expect(refused[2].data.why).toContain('in progress');
    expect(h.store.pendingIntents()).toEqual([]);
    expect(h.rollout()!.phase).toBe('Observing');
  });

  it('operator rollback puts traffic back on blue and tears green down', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Observing');
    h.intent('rollback', { actor: 'dave', reason: 'complaints' });
    await h.pass();
    expect(h.rollout()!.phase).toBe('RolledBack');
    expect(h.router.rollbackCount).toBe(1);
    expect((await h.router.state()).active).toBe('blue');
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    const rb = h.store.listAudit({ deployment: 'spam' }).find((a) => a.kind === 'rollback')!;
    expect(rb.data).toMatchObject({ from: 'green', to: 'blue', rule: 'operator', generation: 2 });
    expect(h.store.getDeployment('spam')).toMatchObject({
      activeColor: 'blue',
      generation: 2,
      currentRolloutId: null,
    });
  });
});

describe('controller: bootstrap and failures', () => {
  it('bootstraps again when the active slot is not running any more, then rolls out the changed idle slot', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Complete', { stepMs: DAY });
    h.platform.crash('spam', 'green'); // e.g. the machine rebooted
    h.intent('apply', { spec: testSpec({ blue: 'v3' }) });
    await h.until(() => h.store.listRollouts('spam').length === 4 && h.rollout()?.phase === 'Observing');
    const [rollout, boot] = h.store.listRollouts('spam');
    expect(boot).toMatchObject({
      candidate: 'green',
      candidateVersion: 'v2',
      phase: 'Complete',
      context: { bootstrap: true },
    });
    expect(rollout).toMatchObject({ candidate: 'blue', candidateVersion: 'v3', baseline: 'green' });
  });

  it('a bootstrap with a disabled idle slot starts no candidate rollout', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    const spec = testSpec();
    spec.green.enabled = false;
    h.intent('apply', { spec });
    await h.until(
      () =>
        h.store.getDeployment('spam')?.activeColor === 'blue' &&
        h.store.getDeployment('spam')?.currentRolloutId === null,
    );
    expect(h.store.listRollouts('spam')).toHaveLength(1);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.router.backends.blue).toHaveLength(2);
  });

  it('a step that keeps failing ends in Failed; before the switch the candidate is removed and traffic stays on blue', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    await bootstrapped(h);
    h.router.failNext('switchTo', 100);
    await h.until(
      () => h.rollout()?.phase === 'Failed' && h.store.getDeployment('spam')?.currentRolloutId === null,
    );
    const r = h.rollout()!;
    expect(r.reason).toMatch(/^Switching failed \d+ times: fake router: switchTo failed/);
    expect((await h.router.state()).active).toBe('blue');
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(
      h.store
        .listAudit({ deployment: 'spam' })
        .find((a) => a.kind === 'transition' && a.data.event === 'error')?.data,
    ).toMatchObject({
      code: 'GL_ROUTER_UNAVAILABLE',
    });
  });

  it('transient failures are retried without failing the rollout', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.platform.failNext('deploy', 2);
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Observing');
    expect(h.store.listRollouts('spam')[1].phase).toBe('Complete');
  });
});

describe('controller: run loop', () => {
  it('run() reconciles on the injected clock until aborted', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.intent('apply', { spec: testSpec() });
    const ac = new AbortController();
    const sleeps: number[] = [];
    const sleep = h.clock.sleep;
    h.clock.sleep = async (ms, signal) => {
      sleeps.push(ms);
      if (h.rollout()?.phase === 'Observing' && h.store.listRollouts('spam').length === 2) ac.abort();
      await sleep(ms, signal);
    };
    const c = h.restart();
    await c.run(ac.signal);
    expect(h.rollout()!.phase).toBe('Observing');
    expect(sleeps.length).toBeGreaterThan(3);
    expect(sleeps.every((ms) => ms >= 450 && ms <= 550)).toBe(true);
  });
});

describe('controller: metrics', () => {
  it('reports phase, switches, rollbacks and gate results to the controller metrics', async () => {
    const { Registry } = await import('prom-client');
    const { createControllerMetrics } = await import('../metrics/controller-metrics.js');
    h = createHarness({ file: join(dir, 'gl.db') });
    const registry = new Registry();
    h.deps.metrics = createControllerMetrics(registry, h.clock.now);
    h.restart();
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'Observing');
    h.intent('rollback');
    await h.pass();
    const text = await registry.metrics();
    expect(text).toContain('greenlight_switches_total{deployment="spam",reason="promotion"} 1');
    expect(text).toContain('greenlight_rollbacks_total{deployment="spam",reason="operator"} 1');
    expect(text).toContain('greenlight_rollout_phase{deployment="spam",phase="RolledBack"} 1');
    expect(text).toContain('greenlight_active_info{deployment="spam",color="blue",version="v1"} 1');
    expect(text).toMatch(/greenlight_gate_status\{deployment="spam",gate="agreement",status="passed"\} 1/);
  });
});

describe('controller: validation that cannot run', () => {
  it('retries a throwing validation, then rejects the candidate instead of switching', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    let calls = 0;
    h.deps.validate = () => {
      calls++;
      throw new Error('samples file unreadable');
    };
    h.restart();
    h.intent('apply', { spec: testSpec() });
    await h.until(
      () =>
        h.store.listRollouts('spam').length === 2 && h.store.getDeployment('spam')?.currentRolloutId === null,
    );
    const r = h.rollout()!;
    expect(r.phase).toBe('ValidationFailed');
    expect(r.reason).toBe('validation could not run (3 attempts): samples file unreadable');
    expect(calls).toBe(3);
    expect(h.router.switchCount).toBe(0);
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
  });
});

describe('controller: failed bootstrap', () => {
  it('a first slot that never becomes ready is torn down and nothing is active', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.platform.setReady('spam', 'blue', 0);
    h.intent('apply', { spec: testSpec() });
    await h.until(
      () =>
        h.rollout()?.phase === 'ValidationFailed' && h.store.getDeployment('spam')?.currentRolloutId === null,
      {
        stepMs: 60_000,
      },
    );
    expect(h.platform.running()).toEqual([]);
    expect(h.store.listRollouts('spam')).toHaveLength(1);
    expect(h.store.getDeployment('spam')).toMatchObject({ activeColor: null, versions: {} });
    // the router still lists blue's (stopped) replicas: it refuses to empty the active color
    expect(h.router.backends.blue).toHaveLength(2);
  });
});

describe('controller: a candidate that cannot run', () => {
  it('replicas that exit at start (a corrupt model file) reject the rollout at once, with the platform’s reason', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.platform.failToStart('spam', 'green', 'GL_MODEL_INVALID: spam-v2.onnx is truncated');
    const start = h.clock.now();
    await bootstrapped(h);
    await h.until(
      () =>
        h.rollout()?.phase === 'ValidationFailed' && h.store.getDeployment('spam')?.currentRolloutId === null,
    );
    expect(h.clock.now() - start).toBeLessThan(60_000); // not after readyTimeoutSeconds (300 s)
    expect(h.rollout()!.reason).toContain(
      'green (v2) cannot run: green-0 exited: GL_MODEL_INVALID: spam-v2.onnx is truncated',
    );
    expect(h.platform.running()).toEqual(['spam/blue-0', 'spam/blue-1']);
    expect(h.store.getDeployment('spam')).toMatchObject({ activeColor: 'blue', versions: { blue: 'v1' } });
  });

  it('a spec the platform cannot use is rejected without retrying', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    const deploy = h.platform.deploy;
    let calls = 0;
    h.platform.deploy = async (d, c, s) => {
      if (c === 'green') {
        calls++;
        throw new GreenlightError('GL_PLATFORM_SPEC', 'green.model is required on the local platform');
      }
      return deploy(d, c, s);
    };
    await bootstrapped(h);
    await h.until(() => h.rollout()?.phase === 'ValidationFailed');
    expect(calls).toBe(1);
    expect(h.rollout()!.reason).toBe(
      'green (v2) cannot be deployed: green.model is required on the local platform',
    );
  });
});

describe('controller: restart after validation finished', () => {
  it('decides from the stored results instead of validating again', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    let calls = 0;
    const inner = h.deps.validate;
    h.deps.validate = (input) => {
      calls++;
      return inner(input);
    };
    // the controller dies right after the results are stored, before deciding
    let die = false;
    let dead!: () => void;
    const died = new Promise<void>((r) => {
      dead = r;
    });
    h.restart((deps) => ({
      ...deps,
      router: Object.assign(Object.create(deps.router), {
        setShadow: async (c: { enabled: boolean; sampleRate: number }) => {
          if (!c.enabled && !die) {
            die = true;
            dead();
            return new Promise(() => {});
          }
          return deps.router.setShadow(c);
        },
      }),
    }));
    h.intent('apply', { spec: testSpec() });
    for (let i = 0; i < 30 && !die; i++) {
      await Promise.race([h.controller.reconcileOnce().then(() => h.controller.settled()), died]);
    }
    expect(die).toBe(true);
    expect(h.rollout()!.phase).toBe('Validating');
    expect(calls).toBe(1);
    h.restart();
    await h.until(() => h.rollout()?.phase === 'Observing');
    expect(calls).toBe(1);
    expect(h.store.listAudit({ deployment: 'spam' }).filter((a) => a.kind === 'gate')).toHaveLength(2);
  });
});

describe('controller: passes do not overlap', () => {
  it('concurrent reconcileOnce calls share one pass', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.intent('apply', { spec: testSpec() });
    await Promise.all([
      h.controller.reconcileOnce(),
      h.controller.reconcileOnce(),
      h.controller.reconcileOnce(),
    ]);
    // one pass bootstraps blue and deploys green; three overlapping passes would deploy more
    expect(h.platform.calls.filter((c) => c.method === 'deploy').map((c) => c.color)).toEqual([
      'blue',
      'green',
    ]);
  });
});

describe('controller: malformed intents', () => {
  it('refuses an apply whose spec is unusable and keeps consuming later intents', async () => {
    h = createHarness({ file: join(dir, 'gl.db') });
    h.store.addIntent({
      deployment: 'spam',
      kind: 'apply',
      actor: 'mallory',
      reason: null,
      payload: { spec: { name: 'spam' } },
    });
    h.intent('apply', { spec: testSpec() });
    await h.pass();
    const refused = h.store
      .listAudit({ deployment: 'spam' })
      .find((a) => a.kind === 'intent' && a.data.accepted === false);
    expect(refused).toMatchObject({ actor: 'mallory' });
    expect(refused!.data.why).toMatch(/^could not be applied: /);
    expect(h.store.pendingIntents()).toEqual([]);
    expect(h.store.listRollouts('spam').length).toBeGreaterThan(0);
  });
});
