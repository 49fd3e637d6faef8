import type { ColorSignals, SignalSource } from '../../metrics/types.js';
import { createFakePlatform, type FakePlatform } from '../../platform/fake/fake-platform.js';
import type { Color, DeploymentSpec, GateName } from '../../spec/types.js';
import { openStore, type SqliteStore } from '../../store/sqlite-store.js';
import type { IntentKind, RolloutRecord } from '../../store/types.js';
import type { GateResult, GateStatus } from '../../validation/types.js';
import { type Controller, createController } from '../controller.js';
import type { ControllerDeps, FetchFn, Logger } from '../deps.js';
import type { ValidateFn, ValidateInput } from '../validate-input.js';
import { createFakeClock, type FakeClock } from './fake-clock.js';
import { createFakeRouter, type FakeRouter } from './fake-router.js';

/** Signals the test sets per color; unset = no data. */
export interface ScriptedSignals extends SignalSource {
  set(color: Color, signals: Partial<ColorSignals>): void;
  clear(color: Color): void;
  reads: { color: Color; windowSeconds: number }[];
}

export function scriptedSignals(): ScriptedSignals {
  const current: Partial<Record<Color, Partial<ColorSignals>>> = {};
  const reads: { color: Color; windowSeconds: number }[] = [];
  return {
    reads,
    set(color, s) {
      current[color] = { ...current[color], ...s };
    },
    clear(color) {
      delete current[color];
    },
    async read(_d, color, windowSeconds) {
      reads.push({ color, windowSeconds });
      const s = current[color] ?? {};
      return {
        p95LatencySeconds: s.p95LatencySeconds ?? null,
        errorRatio: s.errorRatio ?? null,
        requests: s.requests ?? null,
        errors: s.errors ?? null,
        readyReplicas: s.readyReplicas ?? null,
        scoreBins: s.scoreBins ?? null,
      };
    },
  };
}

export function gate(name: GateName, status: GateStatus): GateResult {
  return {
    gate: name,
    status,
    measured: { x: 1 },
    threshold: { x: 2 },
    evidence: {},
    summary: `${name} ${status}`,
  };
}

/** A validate that reports `results` one by one through onProgress, then returns them. */
export function scriptedValidate(results: () => GateResult[]): ValidateFn & { inputs: ValidateInput[] } {
  const inputs: ValidateInput[] = [];
  const fn = async (input: ValidateInput) => {
    inputs.push(input);
    const out = results();
    for (const r of out) {
      await new Promise((r2) => setImmediate(r2));
      if (input.signal.aborted) throw new Error('aborted');
      input.onProgress({ kind: 'gate', result: r });
    }
    return out;
  };
  return Object.assign(fn, { inputs });
}

export const quietLog: Logger = { info() {}, warn() {}, error() {} };

export interface Harness {
  store: SqliteStore;
  platform: FakePlatform;
  router: FakeRouter;
  clock: FakeClock;
  signals: ScriptedSignals;
  validate: ReturnType<typeof scriptedValidate>;
  warmups: string[];
  deps: ControllerDeps;
  controller: Controller;
  /** Record an intent the way the API does. */
  intent(
    kind: IntentKind,
    opts?: { spec?: DeploymentSpec; actor?: string; reason?: string; deployment?: string },
  ): void;
  /** One reconcile pass plus letting background validation finish. */
  pass(): Promise<void>;
  /** Passes (advancing the clock by stepMs after each) until `done` holds; throws after maxPasses. */
  until(done: () => boolean, opts?: { stepMs?: number; maxPasses?: number }): Promise<void>;
  rollout(): RolloutRecord | undefined;
  /** Replace the controller (same store file and world): what a restart looks like. */
  restart(wrap?: (deps: ControllerDeps) => ControllerDeps): Controller;
}

export interface HarnessOptions {
  file: string;
  gates?: () => GateResult[];
  /** Reuse the world (platform, router, clock…) of an earlier harness: a restarted control plane. */
  world?: Pick<Harness, 'platform' | 'router' | 'clock' | 'signals' | 'validate' | 'warmups'>;
  wrap?: (deps: ControllerDeps) => ControllerDeps;
}

const ALL_PASS = (): GateResult[] => [gate('health', 'passed'), gate('agreement', 'passed')];

/** The controller wired to fakes and a real SQLite file. */
export function createHarness(opts: HarnessOptions): Harness {
  const clock = opts.world?.clock ?? createFakeClock();
  const store = openStore(opts.file, { now: clock.now });
  const platform = opts.world?.platform ?? createFakePlatform();
  const router = opts.world?.router ?? createFakeRouter({ now: clock.now });
  const signals = opts.world?.signals ?? scriptedSignals();
  const validate = opts.world?.validate ?? scriptedValidate(opts.gates ?? ALL_PASS);
  const warmups = opts.world?.warmups ?? [];
  const fetch: FetchFn = async (url) => {
    warmups.push(url);
    return { status: 200 };
  };
  const deps: ControllerDeps = {
    store,
    platform,
    router,
    validate,
    signals,
    clock,
    random: () => 0.5,
    log: quietLog,
    fetch,
  };
  const h: Harness = {
    store,
    platform,
    router,
    clock,
    signals,
    validate,
    warmups,
    deps,
    controller: createController(opts.wrap ? opts.wrap(deps) : deps),
    intent(kind, o = {}) {
      const spec = o.spec;
      store.addIntent({
        deployment: o.deployment ?? spec?.name ?? 'spam',
        kind,
        actor: o.actor ?? 'alice',
        reason: o.reason ?? null,
        payload: spec ? { spec } : {},
      });
    },
    async pass() {
      await h.controller.reconcileOnce();
      await h.controller.settled();
    },
    async until(done, o = {}) {
      const max = o.maxPasses ?? 200;
      for (let i = 0; i < max; i++) {
        if (done()) return;
        await h.pass();
        if (done()) return;
        clock.advance(o.stepMs ?? 1000);
      }
      throw new Error(
        `condition not reached after ${max} passes; rollout: ${JSON.stringify(h.rollout()?.phase)}`,
      );
    },
    rollout() {
      return store.listRollouts('spam', 1)[0];
    },
    restart(wrap) {
      h.controller = createController(wrap ? wrap(deps) : deps);
      return h.controller;
    },
  };
  return h;
}
