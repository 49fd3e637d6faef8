import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from '../../control-plane/api.js';
import { type Controller, createController } from '../../controller/controller.js';
import type { Clock, ControllerDeps } from '../../controller/deps.js';
import { createFakeRouter } from '../../controller/testing/fake-router.js';
import { quietLog, scriptedSignals, scriptedValidate } from '../../controller/testing/harness.js';
import { testSpec } from '../../controller/testing/spec.js';
import { createFakePlatform } from '../../platform/fake/fake-platform.js';
import type { Color, DeploymentSpec } from '../../spec/types.js';
import { openStore, type SqliteStore } from '../../store/sqlite-store.js';
import type { Store } from '../../store/types.js';
import type { GateResult } from '../../validation/types.js';
import { createDashboardRoute } from '../route.js';
import { createTrafficSampler, type TrafficSampler } from '../traffic.js';
import { exampleGates } from './example-gates.js';

export const TOKEN = 'dashboard-test-token';

/**
 * A clock that runs with real time but can be pushed forward by the setup, which starts
 * `behindMs` in the past so the page's "time spent" figures look like a real rollout's.
 */
function catchingUpClock(behindMs: number): Clock & { advance(ms: number): void } {
  let offset = -behindMs;
  return {
    now: () => Date.now() + offset,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      await new Promise((r) => setTimeout(r, Math.min(ms, 50)));
    },
    advance(ms) {
      offset = Math.min(0, offset + ms);
    },
  };
}

/** A store as one deployment's controller sees it: the other deployments are someone else's. */
function scopedStore(store: Store, name: string): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'listDeployments') return () => target.listDeployments().filter((d) => d.name === name);
      if (prop === 'pendingIntents') return (d?: string) => target.pendingIntents(d ?? name);
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** Router metrics as the real router writes them, growing as if users sent `rps` to the active color. */
function syntheticRouterMetrics(store: Store, name: string, rps: number) {
  const les = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
  const totals: Record<Color, { ok: number; err: number; buckets: number[] }> = {
    blue: { ok: 0, err: 0, buckets: les.map(() => 0) },
    green: { ok: 0, err: 0, buckets: les.map(() => 0) },
  };
  let last = Date.now();
  let seed = name.length;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return async () => {
    const now = Date.now();
    const color = store.getDeployment(name)?.activeColor ?? 'blue';
    const n = Math.round(((rps * (now - last)) / 1000) * (0.85 + 0.3 * rand()));
    last = now;
    const base = color === 'blue' ? 0.004 : 0.0032;
    for (let i = 0; i < n; i++) {
      const t = base * (0.5 + rand() * 1.2) * (rand() < 0.04 ? 4 : 1);
      les.forEach((le, j) => {
        if (t <= le) totals[color].buckets[j]++;
      });
      if (rand() < 0.0005) totals[color].err++;
      else totals[color].ok++;
    }
    const lines: string[] = [];
    for (const c of ['blue', 'green'] as const) {
      const t = totals[c];
      lines.push(`greenlight_router_requests_total{color="${c}",code="200"} ${t.ok}`);
      lines.push(`greenlight_router_requests_total{color="${c}",code="502"} ${t.err}`);
      les.forEach((le, j) => {
        lines.push(
          `greenlight_router_request_duration_seconds_bucket{le="${le}",color="${c}"} ${t.buckets[j]}`,
        );
      });
      lines.push(`greenlight_router_request_duration_seconds_bucket{le="+Inf",color="${c}"} ${t.ok + t.err}`);
    }
    return `${lines.join('\n')}\n`;
  };
}

export interface FleetWorld {
  url: string;
  store: SqliteStore;
  traffic: TrafficSampler;
  /** Run every controller once now (the background loop does it every 150 ms too). */
  pass(): Promise<void>;
  phase(name: string): string | undefined;
  close(): Promise<void>;
}

interface Member {
  name: string;
  controller: Controller;
  deps: ControllerDeps;
}

/**
 * A control plane in-process on the fake platform: the real API and the dashboard route over a
 * real SQLite store, one controller (and fake router) per deployment so the two cannot step on
 * each other's traffic. `spam-classifier` waits for a promote; `fraud-scorer` switched and is observing.
 */
export async function startFleetWorld(
  file: string,
  o: { trafficIntervalMs?: number } = {},
): Promise<FleetWorld> {
  const clock = catchingUpClock(12 * 60_000);
  const store = openStore(file, { now: clock.now });
  const members: Member[] = [];
  const add = (spec: DeploymentSpec, gates: () => GateResult[]) => {
    const deps: ControllerDeps = {
      store: scopedStore(store, spec.name),
      platform: createFakePlatform(),
      router: createFakeRouter({ now: clock.now }),
      validate: scriptedValidate(gates),
      signals: scriptedSignals(),
      clock,
      random: () => 0.5,
      log: quietLog,
      fetch: async () => ({ status: 200 }),
    };
    members.push({ name: spec.name, controller: createController(deps), deps });
    store.addIntent({
      deployment: spec.name,
      kind: 'apply',
      actor: 'alice',
      reason: 'first release',
      payload: { spec },
    });
  };
  const spam = testSpec({ name: 'spam-classifier', blue: 'v1', green: 'v2' });
  spam.autoSwitch.enabled = false;
  const fraud = testSpec({ name: 'fraud-scorer', blue: 'v7', green: 'v8' });
  fraud.autoSwitch.switchDelaySeconds = 5;
  add(spam, () => exampleGates('spam'));
  add(fraud, () => exampleGates('fraud'));
  const pass = async () => {
    for (const m of members) {
      await m.controller.reconcileOnce();
      await m.controller.settled();
    }
  };
  const phase = (name: string) => store.listRollouts(name, 1)[0]?.phase;
  // Walk both rollouts forward through minutes of "past" so each phase has a believable duration.
  for (
    let i = 0;
    i < 80 && !(phase('spam-classifier') === 'AwaitingPromotion' && phase('fraud-scorer') === 'Observing');
    i++
  ) {
    await pass();
    clock.advance(40_000);
  }
  // From here on the world runs in real time, so what the test does now is "now" on the page too.
  clock.advance(Number.POSITIVE_INFINITY);
  const metricsOf = new Map(
    members.map((m, i) => [m.name, syntheticRouterMetrics(store, m.name, i === 0 ? 42 : 17)]),
  );
  const traffic = createTrafficSampler({
    intervalMs: o.trafficIntervalMs ?? 1000,
    sources: () =>
      members.map((m) => ({
        deployment: m.name,
        metrics: metricsOf.get(m.name)!,
      })),
  });
  const handler = createApiHandler({
    store,
    tokens: { byName: new Map([['admin', TOKEN]]) },
    parseSpec: () => {
      throw new Error('not in this world');
    },
    loadSpec: () => {
      throw new Error('not in this world');
    },
    eventsPollMs: 100,
    fallback: createDashboardRoute({ store, traffic }),
  });
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await pass().catch(() => {});
      await new Promise((r) => setTimeout(r, 150));
    }
  })();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    store,
    traffic,
    pass,
    phase,
    async close() {
      stopped = true;
      await loop;
      traffic.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      store.close();
    },
  };
}
