import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentSpec } from '../spec/types.js';
import type { GateResult } from '../validation/types.js';
import type { Phase } from './phases.js';
import { type CrashPlan, type CrashSwitch, crashing } from './testing/crash.js';
import { createHarness, gate, type Harness } from './testing/harness.js';
import { testSpec } from './testing/spec.js';

/**
 * Kill the controller at every point of a rollout — before and after each call it makes to the
 * world, and right after each store commit — then start a new controller on the same SQLite file.
 * The rollout must resume and end as it would have: no double switch or rollback, every transition
 * audited exactly once, the audit chain intact, no replica left running that should not be.
 */
const DAY = 86_400_000;
let dir: string;
let runs = 0;
beforeAll(() => {
  // Real SQLite files; on tmpfs when there is one, since this suite commits thousands of times
  // (it tests process crashes, not power loss, so fsync speed is beside the point).
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'gl-dur-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Scenario {
  name: string;
  gates: () => GateResult[];
  greenErrors: boolean;
  final: Phase;
  switches: number;
  rollbacks: number;
  running: string[];
  spec?: () => DeploymentSpec;
  /** What an operator does between passes (through the API's own store connection). */
  act?: (h: Harness) => void;
  /** Each weight change the router saw, in order: a restart must not set a weight twice. */
  weights?: (Record<'blue' | 'green', number> | null)[];
}

/** Record an operator intent once, when the rollout is in `phase`. */
function operator(kind: 'promote' | 'rollback', phase: Phase) {
  return (h: Harness) => {
    const r = h.rollout();
    const already = h.store
      .listAudit({ deployment: 'spam' })
      .some((a) => a.kind === 'intent' && a.data.intent === kind);
    const pending = h.store.pendingIntents('spam').some((i) => i.kind === kind);
    if (r?.phase === phase && h.store.listRollouts('spam').length === 2 && !already && !pending) {
      h.intent(kind, { actor: 'erin', reason: 'durability test' });
    }
  };
}

function manualSpec(): DeploymentSpec {
  const spec = testSpec();
  spec.autoSwitch.enabled = false;
  return spec;
}

/** Two split steps and one warm baseline replica after the switch. */
function stagedSpec(): DeploymentSpec {
  const spec = testSpec();
  spec.rollout = {
    steps: [
      { weight: 10, pauseSeconds: 60 },
      { weight: 50, pauseSeconds: 60 },
    ],
  };
  spec.observation.baselineReplicas = 1;
  return spec;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'completed rollout',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'Complete',
    switches: 1,
    rollbacks: 0,
    running: ['spam/green-0', 'spam/green-1'],
  },
  {
    name: 'automatic rollback',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: true,
    final: 'RolledBack',
    switches: 1,
    rollbacks: 1,
    running: ['spam/blue-0', 'spam/blue-1'],
  },
  {
    name: 'validation failure',
    gates: () => [gate('health', 'passed'), gate('agreement', 'failed')],
    greenErrors: false,
    final: 'ValidationFailed',
    switches: 0,
    rollbacks: 0,
    running: ['spam/blue-0', 'spam/blue-1'],
  },
  {
    name: 'manual promotion',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'Complete',
    switches: 1,
    rollbacks: 0,
    running: ['spam/green-0', 'spam/green-1'],
    spec: manualSpec,
    act: operator('promote', 'AwaitingPromotion'),
  },
  {
    name: 'operator rollback',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'RolledBack',
    switches: 1,
    rollbacks: 1,
    running: ['spam/blue-0', 'spam/blue-1'],
    act: operator('rollback', 'Observing'),
  },
  {
    name: 'staged rollout',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'Complete',
    switches: 1,
    rollbacks: 0,
    running: ['spam/green-0', 'spam/green-1'],
    spec: stagedSpec,
    weights: [
      { blue: 90, green: 10 },
      { blue: 50, green: 50 },
    ],
  },
  {
    name: 'staged rollout breached at its first step',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: true,
    final: 'RolledBack',
    switches: 0,
    rollbacks: 0,
    running: ['spam/blue-0', 'spam/blue-1'],
    spec: stagedSpec,
    weights: [{ blue: 90, green: 10 }, null],
  },
  {
    name: 'staged rollout promoted --full at its first step',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'Complete',
    switches: 1,
    rollbacks: 0,
    running: ['spam/green-0', 'spam/green-1'],
    spec: stagedSpec,
    weights: [{ blue: 90, green: 10 }],
    act: (h) => {
      const asked = h.store
        .listAudit({ deployment: 'spam' })
        .some((a) => a.kind === 'intent' && a.data.intent === 'promote');
      const pending = h.store.pendingIntents('spam').some((i) => i.kind === 'promote');
      const r = h.rollout();
      // once the first step's weight is on the router
      const applied = (r?.context as { step?: { appliedAt?: number } } | undefined)?.step?.appliedAt;
      if (r?.phase === 'Stepping' && applied !== undefined && !asked && !pending)
        h.store.addIntent({
          deployment: 'spam',
          kind: 'promote',
          actor: 'erin',
          reason: null,
          payload: { full: true },
        });
    },
  },
  {
    name: 'rollback to one warm replica, then scaled back up',
    gates: () => [gate('health', 'passed'), gate('agreement', 'passed')],
    greenErrors: false,
    final: 'RolledBack',
    switches: 1,
    rollbacks: 1,
    running: ['spam/blue-0', 'spam/blue-1'],
    spec: () => {
      const spec = testSpec();
      spec.observation.baselineReplicas = 1;
      return spec;
    },
    act: (h) => {
      // once the previous slot is down to its warm replica, the operator rolls back
      if (h.rollout()?.phase === 'Observing' && h.platform.running().includes('spam/blue-1') === false)
        operator('rollback', 'Observing')(h);
    },
  },
];

interface Run {
  h: Harness;
  sw: CrashSwitch;
  file: string;
}

function start(s: Scenario, plan: CrashPlan | null): Run {
  const file = join(dir, `run-${++runs}.db`);
  let sw!: CrashSwitch;
  const h = createHarness({
    file,
    gates: s.gates,
    wrap: (deps) => {
      sw = crashing(deps, plan);
      return sw.deps;
    },
  });
  h.signals.set('blue', { p95LatencySeconds: 0.01 });
  if (s.greenErrors) h.signals.set('green', { errorRatio: 0.5, requests: 100, errors: 50 });
  h.intent('apply', { spec: s.spec?.() ?? testSpec() });
  return { h, sw, file };
}

const finished = (h: Harness) =>
  h.store.listRollouts('spam').length === 2 && h.store.getDeployment('spam')?.currentRolloutId === null;

/** Drive passes until done or crashed; the clock jumps a day at a time while observing. */
async function drive(h: Harness, sw: CrashSwitch | null, s: Scenario): Promise<'done' | 'crashed'> {
  for (let i = 0; i < 400; i++) {
    if (finished(h)) return 'done';
    s.act?.(h);
    const pass = h.pass().then(
      () => 'ok' as const,
      () => 'ok' as const,
    );
    const r = await Promise.race([pass, sw ? sw.whenCrashed.then(() => 'crashed' as const) : pass]);
    if (r === 'crashed' || sw?.crashed()) return 'crashed';
    const phase = h.rollout()?.phase;
    h.clock.advance(phase === 'Observing' && h.store.listRollouts('spam').length === 2 ? DAY / 2 : 10_000);
  }
  throw new Error(`not finished; phase ${h.rollout()?.phase}`);
}

function transitions(h: Harness) {
  return h.store
    .listAudit({ deployment: 'spam' })
    .filter((a) => a.kind === 'transition')
    .map((a) => `${a.rolloutId}:${a.data.from}->${a.data.to}`);
}

/** What must hold after the restarted controller finished the rollout. */
async function checkRecovered(h: Harness, s: Scenario, label: string, expected: string[]): Promise<void> {
  const r = h.rollout()!;
  expect(r.phase, label).toBe(s.final);
  expect(h.router.switchCount, `${label}: switches`).toBe(s.switches);
  expect(h.router.rollbackCount, `${label}: rollbacks`).toBe(s.rollbacks);
  expect(transitions(h), `${label}: transitions`).toEqual(expected);
  expect(h.store.verifyAudit().ok, label).toBe(true);
  expect(h.store.getDeployment('spam')?.generation, `${label}: generation`).toBe(
    (await h.router.state()).generation,
  );
  expect(h.platform.running(), `${label}: replicas`).toEqual(s.running);
  expect(h.store.pendingIntents(), label).toEqual([]);
  const audited = new Set(
    h.store
      .listAudit({ deployment: 'spam' })
      .filter((a) => a.kind === 'gate' && a.rolloutId === r.id)
      .map((a) => a.data.gate),
  );
  for (const g of r.gateResults) expect(audited.has(g.gate), `${label}: gate ${g.gate} audited`).toBe(true);
  const switches = h.store
    .listAudit({ deployment: 'spam' })
    .filter((a) => a.kind === 'switch' && a.rolloutId === r.id);
  expect(switches.length, `${label}: switch records`).toBe(s.switches);
  expect(h.router.shadowHistory.at(-1)?.enabled ?? false, label).toBe(false);
  if (s.weights) {
    expect(h.router.weightHistory, `${label}: weights`).toEqual(s.weights);
    const recorded = h.store.listAudit({ deployment: 'spam' }).filter((a) => a.kind === 'weights');
    expect(recorded.length, `${label}: weights records`).toBe(s.weights.filter((w) => w !== null).length);
  }
}

/** Crash at `plan`, restart on the same file, check the outcome; returns "rolloutCount:phase" at the crash. */
async function crashAndRecover(s: Scenario, plan: CrashPlan, expected: string[]): Promise<string> {
  const first = start(s, plan);
  const outcome = await drive(first.h, first.sw, s);
  const label = `${plan.kind}#${plan.at} (${first.sw.where})`;
  if (outcome !== 'crashed') throw new Error(`${label}: did not crash`);
  const where = `${first.h.store.listRollouts('spam').length}:${first.h.rollout()?.phase}`;
  // the process is gone; a new one opens the same file and adopts the same world
  first.h.store.close();
  const second = createHarness({ file: first.file, world: first.h });
  expect(await drive(second, null, s), label).toBe('done');
  await checkRecovered(second, s, label, expected);
  second.store.close();
  return where;
}

describe('durability: a controller killed at any point resumes on the same SQLite file', () => {
  for (const s of SCENARIOS) {
    it(`${s.name}: every crash point`, async () => {
      const ref = start(s, null);
      expect(await drive(ref.h, null, s)).toBe('done');
      const expected = transitions(ref.h);
      const { effects, commits } = ref.sw.counts;
      expect(ref.h.rollout()!.phase).toBe(s.final);
      ref.h.store.close();

      const plans: CrashPlan[] = [];
      for (let n = 1; n <= effects; n++)
        plans.push({ kind: 'effect-before', at: n }, { kind: 'effect-after', at: n });
      for (let n = 1; n <= commits; n++) plans.push({ kind: 'commit', at: n });
      const crashedIn = new Set<string>();

      for (const plan of plans) crashedIn.add(await crashAndRecover(s, plan, expected));
      // the crash points cover every phase of both rollouts (bootstrap and candidate), terminal ones included
      const path = new Set(
        expected.flatMap((t) => [t.split('->')[0], `${t.split(':')[0]}:${t.split('->')[1]}`]),
      );
      for (const p of path) expect([...crashedIn], `a crash inside ${p}`).toContain(p);
      expect([...path]).toContain(`2:${s.final}`);
    });
  }
});
