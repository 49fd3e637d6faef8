import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { createLocalPlatform } from '../../platform/local/local-platform.js';
import { standInCommand } from '../../platform/local/testing/stand-in.js';
import type { Platform } from '../../platform/types.js';
import { createRouter } from '../../router/router.js';
import type { RouterControl } from '../../router/types.js';
import { openStore } from '../../store/sqlite-store.js';
import { createController } from '../controller.js';
import type { RolloutContext } from '../rollout-context.js';
import { createFakeClock } from './fake-clock.js';
import { gate, quietLog, scriptedSignals, scriptedValidate } from './harness.js';
import { testSpec } from './spec.js';

/** What one run of the warm-rollback scenario saw. */
export interface WarmRollbackRun {
  /** From the start of the pass that evaluates the breach until router.rollback returned. */
  breachToTrafficBackMs: number;
  /** From the same start until the previous slot was back at its full replicas (the platform answered). */
  breachToScaledBackMs: number;
  /** Replica processes of the previous slot: after the scale-down, and after the rollback. */
  baselineReplicas: { observing: number; afterRollback: number };
  /** User requests sent through the router during the run, and how many failed (non-200 or error). */
  requests: number;
  failed: number;
  /** Requests answered by the candidate that were sent after router.rollback returned (must be 0). */
  candidateAfterRollback: number;
  /** Requests answered by the previous slot after the rollback (the warm replica took them). */
  baselineAfterRollback: number;
}

/**
 * The seed's "cheaper observation" end to end on real parts: the local platform runs stand-in
 * model servers as processes, the real router carries `concurrency` closed-loop users on
 * loopback, the controller (SQLite, fake clock) scales the previous slot down to
 * `baselineReplicas` after the switch, then an error-rate breach rolls back: traffic to the warm
 * replica at once, then the slot back to its replicas. Used by a test and by
 * `npm run bench -- warm-rollback`.
 */
export async function runWarmRollback(opts: {
  dir: string;
  concurrency: number;
  replicas: number;
  baselineReplicas: number;
}): Promise<WarmRollbackRun> {
  const { dir } = opts;
  for (const v of ['v1', 'v2']) writeFileSync(join(dir, `${v}.onnx`), 'model bytes');
  const store = openStore(join(dir, 'gl.db'));
  const local = createLocalPlatform({
    store,
    dataDir: dir,
    serverCommand: standInCommand,
    readyWaitMs: 20_000,
  });
  const router = await createRouter({ blue: [], green: [], healthCheck: { intervalMs: 0 } });
  let rolledBackAt = 0;
  let scaledBackAt = 0;
  const timedRouter: RouterControl = Object.assign(Object.create(router), {
    rollback: async () => {
      const r = await router.rollback();
      rolledBackAt = performance.now();
      return r;
    },
  });
  const platform: Platform = Object.assign(Object.create(local), {
    deploy: async (...args: Parameters<Platform['deploy']>) => {
      const s = await local.deploy(...args);
      if (rolledBackAt > 0 && args[1] === 'blue') scaledBackAt = performance.now();
      return s;
    },
  });
  const clock = createFakeClock();
  const signals = scriptedSignals();
  const controller = createController({
    store,
    platform,
    router: timedRouter,
    validate: scriptedValidate(() => [gate('health', 'passed')]),
    signals,
    clock,
    random: () => 0.5,
    log: quietLog,
  });
  const spec = testSpec();
  for (const c of ['blue', 'green'] as const) spec[c].replicas = opts.replicas;
  spec.blue.model = join(dir, 'v1.onnx');
  spec.green.model = join(dir, 'v2.onnx');
  spec.warmupRequests = 0;
  spec.observation.baselineReplicas = opts.baselineReplicas;
  spec.observation.rules.errorRate.forSeconds = 0;
  spec.teardown.drainTimeoutSeconds = 1;
  spec.teardown.stopTimeoutSeconds = 2;
  store.addIntent({ deployment: 'spam', kind: 'apply', actor: 'bench', reason: null, payload: { spec } });
  const rollout = () => store.listRollouts('spam', 1)[0];
  const pool = new Pool(router.url, { connections: opts.concurrency });
  const sent: { at: number; color: string; status: number }[] = [];
  let stop = false;
  let failed = 0;
  const user = async () => {
    while (!stop) {
      const at = performance.now();
      try {
        const res = await pool.request({
          method: 'POST',
          path: '/predict',
          headers: { 'content-type': 'application/json' },
          body: '{"text":"free money"}',
        });
        await res.body.text();
        sent.push({ at, color: String(res.headers['x-greenlight-color']), status: res.statusCode });
        if (res.statusCode !== 200) failed++;
      } catch {
        failed++;
        sent.push({ at, color: 'none', status: 0 });
      }
    }
  };
  const pass = async () => {
    await controller.reconcileOnce();
    await controller.settled();
  };
  const users: Promise<void>[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      const r = rollout();
      const ctx = r?.context as RolloutContext | undefined;
      if (store.listRollouts('spam').length === 2 && r.phase === 'Observing' && ctx?.baselineScaled?.done)
        break;
      // users from the moment blue serves: the scale-down happens under load too
      if (users.length === 0 && store.getDeployment('spam')?.activeColor === 'blue')
        for (let u = 0; u < opts.concurrency; u++) users.push(user());
      await pass();
      clock.advance(10_000);
    }
    const observing = (await local.status('spam', 'blue')).replicas.length;
    // load on green for a moment, then the breach
    const seen = sent.length;
    while (sent.slice(seen).filter((s) => s.color === 'green').length < 20)
      await new Promise((r) => setTimeout(r, 5));
    signals.set('green', { errorRatio: 0.5, requests: 100, errors: 50 });
    clock.advance(10_000);
    const t0 = performance.now();
    for (let i = 0; i < 50 && !(rollout().context as RolloutContext).finalized; i++) await pass();
    if (rollout().phase !== 'RolledBack' || rolledBackAt === 0) throw new Error('warm rollback: no rollback');
    // users keep going on the restored slot for a moment
    const after = sent.length;
    while (sent.length - after < 50) await new Promise((r) => setTimeout(r, 5));
    stop = true;
    await Promise.all(users);
    const late = sent.filter((s) => s.at > rolledBackAt);
    return {
      breachToTrafficBackMs: rolledBackAt - t0,
      breachToScaledBackMs: scaledBackAt - t0,
      baselineReplicas: { observing, afterRollback: (await local.status('spam', 'blue')).replicas.length },
      requests: sent.length,
      failed,
      candidateAfterRollback: late.filter((s) => s.color === 'green').length,
      baselineAfterRollback: late.filter((s) => s.color === 'blue').length,
    };
  } finally {
    stop = true;
    await Promise.all(users);
    await pool.close();
    await local.teardown('spam', 'blue', 2);
    await local.teardown('spam', 'green', 2);
    await router.close(100);
    store.close();
  }
}
