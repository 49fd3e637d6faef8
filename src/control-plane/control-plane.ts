import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeploymentSpec } from '../spec/types.js';
import { dbPath } from '../store/data-dir.js';
import { openStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { type ApiDeps, createApiHandler } from './api.js';
import { type DataPlane, ensureDataPlane, type InitialBackends, superviseDataPlane } from './data-plane.js';
import { type AdminTokens, resolveAdminTokens } from './tokens.js';

/** What a running controller loop gives back: a way to stop it. */
export interface RunningController {
  stop(): Promise<void>;
}

/** Everything the wiring of the controller needs from the control plane. */
export interface ControlPlaneContext {
  store: Store;
  dataDir: string;
  dataPlane: DataPlane;
  log: (line: string) => void;
}

export interface ControlPlaneOptions {
  dataDir: string;
  /** API port; 0 picks a free one. */
  port: number;
  host?: string;
  trafficPort: number;
  routerAdminPort: number;
  /** Admin token for the API (else GREENLIGHT_ADMIN_TOKEN(S), else `<dataDir>/admin-token`). */
  adminToken?: string;
  env?: NodeJS.ProcessEnv;
  parseSpec: (text: string, baseDir: string) => DeploymentSpec;
  loadSpec: (path: string) => DeploymentSpec | Promise<DeploymentSpec>;
  /** Starts the controller loop against the data plane; absent = API only (tests). */
  startController?: (ctx: ControlPlaneContext) => RunningController | Promise<RunningController>;
  /** Passed to ensureDataPlane: how to run the router, and the backends a new router starts with. */
  routerCommand?: (routeArgs: string[]) => { command: string; args: string[] };
  initialBackends?: (store: Store) => Promise<InitialBackends>;
  metrics?: () => Promise<string> | string;
  /** Serves non-API GET paths (the dashboard); see ApiDeps.fallback. */
  fallback?: ApiDeps['fallback'];
  log?: (line: string) => void;
}

export interface ControlPlane {
  url: string;
  trafficUrl: string;
  store: Store;
  tokens: AdminTokens;
  dataPlane: DataPlane;
  /** Stop the API and the controller; the data plane keeps serving unless `stopDataPlane`. */
  close(opts?: { stopDataPlane?: boolean; stopReplicas?: () => Promise<void> }): Promise<void>;
}

/**
 * `greenlight up` without the command line: open the store, adopt or start the data plane, start
 * the controller loop and serve the API.
 */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  mkdirSync(opts.dataDir, { recursive: true });
  const store = openStore(dbPath(opts.dataDir));
  let server: Server | undefined;
  let controller: RunningController | undefined;
  let stopSupervisor = () => {};
  try {
    const tokens = resolveAdminTokens(opts.dataDir, opts.adminToken, opts.env ?? process.env);
    const dpOptions = {
      store,
      dataDir: opts.dataDir,
      trafficPort: opts.trafficPort,
      adminPort: opts.routerAdminPort,
      routerCommand: opts.routerCommand,
      initial: opts.initialBackends ? () => opts.initialBackends!(store) : undefined,
      log,
    };
    let dataPlane = await ensureDataPlane(dpOptions);
    stopSupervisor = superviseDataPlane(
      dpOptions,
      () => dataPlane,
      (next) => {
        dataPlane = next;
      },
    );
    controller = await opts.startController?.({ store, dataDir: opts.dataDir, dataPlane, log });
    const handler = createApiHandler({
      store,
      tokens,
      dataDir: opts.dataDir,
      parseSpec: opts.parseSpec,
      loadSpec: opts.loadSpec,
      metrics: opts.metrics,
      fallback: opts.fallback,
      info: () => ({
        trafficUrl: dataPlane.trafficUrl,
        dataPlane: { routerPid: dataPlane.pid, adopted: dataPlane.adopted },
      }),
    });
    const srv = createServer(handler);
    server = srv;
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = srv.address() as AddressInfo;
    let closed = false;
    return {
      url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
      trafficUrl: dataPlane.trafficUrl,
      store,
      tokens,
      // A getter: the supervisor may have replaced a dead router since start.
      get dataPlane() {
        return dataPlane;
      },
      async close(o = {}) {
        if (closed) return;
        closed = true;
        stopSupervisor();
        // A controller that fails to stop cleanly must not leave the data plane running when the
        // operator asked to stop it too: each stage runs whatever the one before did.
        try {
          await controller?.stop();
        } catch (err) {
          log(`warn controller did not stop cleanly: ${(err as Error).message}`);
        }
        // Event streams never end on their own; closing the server must not wait for them.
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
        try {
          if (o.stopReplicas) await o.stopReplicas();
        } finally {
          if (o.stopDataPlane) await dataPlane.stop(10_000);
          store.close();
        }
      },
    };
  } catch (err) {
    stopSupervisor();
    await controller?.stop();
    server?.close();
    store.close();
    throw err;
  }
}
