import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakePlatform } from '../../platform/fake/fake-platform.js';
import { type AdminServer, startAdminServer } from '../../router/admin-server.js';
import { createRouter, type Router } from '../../router/router.js';
import { startUpstream, type Upstream } from '../../router/test-helpers.js';
import type { RouterControl } from '../../router/types.js';
import { openStore, type SqliteStore } from '../../store/sqlite-store.js';
import { type Controller, createController } from '../controller.js';
import type { Clock } from '../deps.js';
import { createPlatformSignalSource } from '../signals/metrics-source.js';
import { gate, quietLog, scriptedValidate } from './harness.js';

/** The real in-process router with its admin API, stand-in blue (v1) and green (v2) servers on loopback, a SQLite file. */
export interface RealRouterWorld {
  blue: Upstream;
  green: Upstream;
  router: Router;
  admin: AdminServer;
  store: SqliteStore;
  /**
   * A controller on this world: a fake platform whose replicas are the two servers, validation
   * that passes, signals from the router's real /metrics; `control` is the router or its admin client.
   */
  controller(control: RouterControl, clock: Clock): Controller;
  /** Green answers /predict with 500 while on. */
  failGreen(on: boolean): void;
  close(): Promise<void>;
}

/** Start the world (admin token "t"); `random` is the router's split dice. */
export async function startRealRouterWorld(random?: () => number): Promise<RealRouterWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'gl-real-'));
  let greenFails = false;
  const blue = await startUpstream('blue', 'v1');
  const green = await startUpstream('green', 'v2', (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (greenFails && req.url === '/predict') {
      res.statusCode = 500;
      return res.end('{"error":"boom"}');
    }
    res.end(JSON.stringify({ color: 'green', version: 'v2', path: req.url }));
  });
  const router = await createRouter({
    blue: [],
    green: [],
    healthCheck: { intervalMs: 0 },
    ...(random ? { deps: { random } } : {}),
  });
  const admin = await startAdminServer(router, { token: 't' });
  const store = openStore(join(dir, 'gl.db'));
  return {
    blue,
    green,
    router,
    admin,
    store,
    controller(control, clock) {
      const platform = createFakePlatform({
        urlFor: (_d, color) => (color === 'blue' ? blue.url : green.url),
      });
      return createController({
        store,
        platform,
        router: control,
        validate: scriptedValidate(() => [gate('health', 'passed')]),
        signals: createPlatformSignalSource(platform, { routerMetricsUrl: `${admin.url}/metrics` }),
        clock,
        random: () => 0.5,
        log: quietLog,
      });
    },
    failGreen(on) {
      greenFails = on;
    },
    async close() {
      store.close();
      await admin.close();
      await router.close(100);
      await blue.close();
      await green.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
