/**
 * `npm run bench -- controller-rollback [--runs N] [--dir DIR]`
 *
 * How fast the controller takes traffic back after an observation rule fires: from the start of the
 * reconcile pass that evaluates the breach to the moment the (real, in-process) router serves the
 * previous slot again. That span includes reading the signals, committing RolledBack and the
 * rollback intent to SQLite (synchronous=FULL: two fsyncs) and the router switch. The rest of the
 * pass (drain, teardown, final commit) is reported separately. DIR defaults to the OS temp dir;
 * point it at the disk the data directory will live on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createController } from '../src/controller/controller.js';
import { createFakeClock } from '../src/controller/testing/fake-clock.js';
import { gate, quietLog, scriptedSignals, scriptedValidate } from '../src/controller/testing/harness.js';
import { testSpec } from '../src/controller/testing/spec.js';
import { createFakePlatform } from '../src/platform/fake/fake-platform.js';
import { createRouter } from '../src/router/router.js';
import type { RouterControl } from '../src/router/types.js';
import { openStore } from '../src/store/sqlite-store.js';

async function upstream(version: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('x-model-version', version);
      res.setHeader('content-type', 'application/json');
      res.end('{"label":"ham","score":0.9}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { runs: { type: 'string' }, dir: { type: 'string' } } });
  const runs = Number(values.runs ?? 20);
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'gl-bench-ctl-'));
  const blue = await upstream('v1');
  const green = await upstream('v2');
  const toRollback: number[] = [];
  const wholePass: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const router = await createRouter({ blue: [], green: [], healthCheck: { intervalMs: 0 } });
      const store = openStore(join(dir, `run-${i}.db`));
      let t0 = 0;
      let rolledBackAt = 0;
      const timed: RouterControl = Object.assign(Object.create(router), {
        rollback: async () => {
          const r = await router.rollback();
          rolledBackAt = performance.now();
          return r;
        },
      });
      const clock = createFakeClock();
      const signals = scriptedSignals();
      const controller = createController({
        store,
        platform: createFakePlatform({ urlFor: (_d, c) => (c === 'blue' ? blue.url : green.url) }),
        router: timed,
        validate: scriptedValidate(() => [gate('health', 'passed')]),
        signals,
        clock,
        random: () => 0.5,
        log: quietLog,
      });
      const spec = testSpec();
      spec.warmupRequests = 0;
      spec.observation.rules.errorRate.forSeconds = 0;
      spec.teardown.drainTimeoutSeconds = 1;
      store.addIntent({ deployment: 'spam', kind: 'apply', actor: 'bench', reason: null, payload: { spec } });
      for (
        let j = 0;
        j < 50 &&
        !(store.listRollouts('spam').length === 2 && store.listRollouts('spam', 1)[0].phase === 'Observing');
        j++
      ) {
        await controller.reconcileOnce();
        await controller.settled();
        clock.advance(10_000);
      }
      signals.set('green', { errorRatio: 0.5, requests: 100, errors: 50 });
      clock.advance(10_000);
      t0 = performance.now();
      await controller.reconcileOnce();
      const end = performance.now();
      if (
        store.listRollouts('spam', 1)[0].phase !== 'RolledBack' ||
        (await router.state()).active !== 'blue'
      ) {
        throw new Error(`run ${i}: no rollback`);
      }
      toRollback.push(rolledBackAt - t0);
      wholePass.push(end - t0);
      store.close();
      await router.close(100);
    }
    const r = (x: number) => Math.round(x * 100) / 100;
    console.log(
      JSON.stringify({
        runs,
        breachToTrafficBackMs: {
          p50: r(pct(toRollback, 0.5)),
          p90: r(pct(toRollback, 0.9)),
          max: r(Math.max(...toRollback)),
        },
        wholeRollbackPassMs: { p50: r(pct(wholePass, 0.5)), max: r(Math.max(...wholePass)) },
      }),
    );
    return 0;
  } finally {
    await blue.close();
    await green.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
