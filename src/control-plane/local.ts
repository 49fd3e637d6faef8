import { collectDefaultMetrics, Registry } from 'prom-client';
import { createController } from '../controller/controller.js';
import { type Logger, systemClock } from '../controller/deps.js';
import { createPlatformSignalSource } from '../controller/signals/metrics-source.js';
import { createValidate } from '../controller/validate-adapter.js';
import type { ValidateFn } from '../controller/validate-input.js';
import { createLocalDashboard, type Dashboard } from '../dashboard/dashboard.js';
import { deploymentLogs } from '../logging/deployment-logs.js';
import { createControllerMetrics } from '../metrics/controller-metrics.js';
import { selectSignalSource } from '../metrics/signal-source-selector.js';
import type { SignalSource } from '../metrics/types.js';
import { createLocalPlatform } from '../platform/local/local-platform.js';
import type { Platform } from '../platform/types.js';
import { RouterAdminClient } from '../router/admin-client.js';
import { serverOf } from '../spec/server.js';
import { COLORS, type DeploymentSpec } from '../spec/types.js';
import { defaultRequestLogPath } from '../store/data-dir.js';
import type { Store } from '../store/types.js';
import { readSamples } from '../validation/pairs/samples-file.js';
import { runValidation } from '../validation/run.js';
import { type ControlPlane, type ControlPlaneOptions, startControlPlane } from './control-plane.js';
import { keepReplicas } from './replica-keeper.js';
import { loadLocalSpec, parseLocalSpec } from './spec-io.js';

export interface LocalControlPlaneOptions {
  dataDir: string;
  port: number;
  trafficPort: number;
  routerAdminPort: number;
  adminToken?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Test seams: run stand-ins instead of `greenlight serve` / `greenlight route`. */
  serverCommand?: (serveArgs: string[]) => { command: string; args: string[] };
  routerCommand?: (routeArgs: string[]) => { command: string; args: string[] };
  /** Controller pass interval (default 500 ms). */
  intervalMs?: number;
  /**
   * How long the platform's deploy waits for new replicas to be ready or die (default 5 s): long
   * enough to report a command that exits at once from deploy itself; waiting longer is
   * wait-ready's job, bounded by the spec's readyTimeoutSeconds, without holding the controller.
   */
  readyWaitMs?: number;
  /** Serves non-API GET paths on the control-plane port; default: the dashboard (src/dashboard). */
  fallback?: ControlPlaneOptions['fallback'];
}

/** What `greenlight up` runs: the control plane wired to the local platform and the router process. */
export interface LocalControlPlane extends ControlPlane {
  platform: Platform;
}

function logger(log: (line: string) => void): Logger {
  const fmt = (level: string, msg: string, fields?: Record<string, unknown>) =>
    log(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  return {
    info: (m, f) => fmt('info', m, f),
    warn: (m, f) => fmt('warn', m, f),
    error: (m, f) => fmt('error', m, f),
  };
}

/**
 * The router serves one deployment's two slots. A new router (first start, or after it died)
 * starts with what the platform runs now and the active color the store remembers, so users are
 * served again before the controller's first pass.
 */
async function currentBackends(store: Store, platform: Platform, dataDir: string) {
  const d = store.listDeployments()[0];
  if (!d) return { blue: [], green: [] };
  const urls = async (c: 'blue' | 'green') => (await platform.status(d.name, c)).replicas.map((r) => r.url);
  return {
    blue: await urls('blue'),
    green: await urls('green'),
    healthPaths: { blue: serverOf(d.spec.blue).readiness.path, green: serverOf(d.spec.green).readiness.path },
    generation: d.generation,
    ...(d.activeColor ? { active: d.activeColor } : {}),
    ...(requestLogOf(d.spec, dataDir) ?? {}),
  };
}

/** The router's request log for a deployment's spec: its own path or the data dir's default. */
export function requestLogOf(spec: DeploymentSpec, dataDir: string) {
  const r = spec.observability.requestLog;
  if (!r?.enabled) return undefined;
  const path = r.path ?? defaultRequestLogPath(dataDir);
  return { requestLog: { path, sampleRate: r.sampleRate, maxBytes: r.maxBytes, keep: r.keep } };
}

/** Start (or adopt) the local data plane and run the controller and the API on it. */
export async function startLocalControlPlane(opts: LocalControlPlaneOptions): Promise<LocalControlPlane> {
  const log = opts.log ?? (() => {});
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = createControllerMetrics(registry);
  let platform: Platform | undefined;
  const platformFor = (store: Store) => {
    platform ??= createLocalPlatform({
      store,
      dataDir: opts.dataDir,
      serverCommand: opts.serverCommand,
      readyWaitMs: opts.readyWaitMs ?? 5_000,
      log,
    });
    return platform;
  };
  // The dashboard needs the store and the router the control plane opens: bound once they exist.
  let dashboard: Dashboard | undefined;
  const cp = await startControlPlane({
    dataDir: opts.dataDir,
    port: opts.port,
    trafficPort: opts.trafficPort,
    routerAdminPort: opts.routerAdminPort,
    adminToken: opts.adminToken,
    env: opts.env,
    parseSpec: (text, baseDir) => parseLocalSpec(text, baseDir),
    loadSpec: loadLocalSpec,
    routerCommand: opts.routerCommand,
    fallback: opts.fallback ?? ((req, res, url) => dashboard?.fallback(req, res, url) ?? false),
    initialBackends: (store) => currentBackends(store, platformFor(store), opts.dataDir),
    metrics: () => registry.metrics(),
    log,
    startController: async ({ store, dataPlane }) => {
      const router = new RouterAdminClient(dataPlane.adminUrl, dataPlane.adminToken);
      const validate: ValidateFn = createValidate({ runValidation, readSamples, metrics });
      // Observation reads the router's and the replicas' /metrics, or Prometheus when a spec says so.
      const signals: SignalSource = selectSignalSource({
        inProcess: createPlatformSignalSource(platformFor(store), {
          routerMetricsUrl: `${dataPlane.adminUrl}/metrics`,
        }),
        observationOf: (name) => store.getDeployment(name)?.spec.observation,
        registry,
      });
      // Console lines for the operator, and each deployment's events as JSON lines in its logsPath.
      const events = deploymentLogs(store, logger(log));
      const controller = createController(
        {
          store,
          platform: platformFor(store),
          router,
          validate,
          signals,
          clock: systemClock,
          random: Math.random,
          log: events,
          metrics,
        },
        { intervalMs: opts.intervalMs ?? 500 },
      );
      const stopKeeper = keepReplicas({ store, platform: platformFor(store), router, log });
      const ac = new AbortController();
      const running = controller
        .run(ac.signal)
        .catch((err) => log(`error controller stopped: ${String(err)}`));
      return {
        async stop() {
          await stopKeeper();
          ac.abort();
          await running;
          await controller.settled();
          await events.close();
        },
      };
    },
  });
  const plat = platformFor(cp.store);
  dashboard = createLocalDashboard({
    store: cp.store,
    routerMetricsUrl: () => `${cp.dataPlane.adminUrl}/metrics`,
  });
  const close = cp.close.bind(cp);
  // Object.assign keeps cp's dataPlane getter (a spread would freeze today's router).
  return Object.assign(cp, {
    platform: plat,
    close: (o: Parameters<ControlPlane['close']>[0] = {}) => {
      dashboard?.close();
      return close({
        ...o,
        // Stopping the data plane also stops every model server this data dir started.
        stopReplicas: o.stopDataPlane
          ? async () => {
              for (const d of cp.store.listDeployments()) {
                for (const c of COLORS) await plat.teardown(d.name, c, d.spec.teardown.stopTimeoutSeconds);
              }
            }
          : undefined,
      });
    },
  });
}
