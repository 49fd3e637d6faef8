import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GreenlightError } from '../errors.js';
import { GREENLIGHT_BIN } from '../platform/local/local-platform.js';
import { logTail } from '../platform/local/log-tail.js';
import { isAlive, readCmdline, stopProcess } from '../platform/local/proc.js';
import type { Color } from '../spec/types.js';
import type { Store } from '../store/types.js';

/** What the control plane remembers about the router process (store meta), so a restart adopts it. */
export interface RouterRecord {
  pid: number;
  trafficPort: number;
  adminPort: number;
  adminToken: string;
  startedAt: number;
  log: string;
}

export const ROUTER_META_KEY = 'data-plane/router';

export interface DataPlaneOptions {
  store: Store;
  dataDir: string;
  trafficPort: number;
  adminPort: number;
  /** Backends and active color to start a new router with (what the platform runs now). */
  initial?: () => Promise<InitialBackends>;
  /** How to run the router with `route` flags; default `node bin/greenlight.js route ...`. */
  routerCommand?: (routeArgs: string[]) => { command: string; args: string[] };
  /** How long to wait for a new router's admin API. */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What a new router starts with: what the platform runs now, and the health path of each slot's server. */
export interface InitialBackends {
  blue: string[];
  green: string[];
  active?: Color;
  generation?: number;
  healthPaths?: Partial<Record<Color, string>>;
  /** The deployment's request log (spec.observability.requestLog, path resolved), when enabled. */
  requestLog?: { path: string; sampleRate: number; maxBytes: number; keep: number };
}

/** The running data plane's router, started or adopted. */
export interface DataPlane {
  trafficUrl: string;
  adminUrl: string;
  adminToken: string;
  pid: number;
  /** True when a router from an earlier control plane was found alive and reused. */
  adopted: boolean;
  /** Settles when the router exits, for a router this process started (an adopted one is polled). */
  exited?: Promise<void>;
  /** Stop the router (SIGTERM, deadline, SIGKILL) and forget it. */
  stop(timeoutMs: number): Promise<void>;
}

/**
 * The recorded router is ours and answers its admin API with the stored token. A loaded machine can
 * be slow to answer; replacing a live router would cut users off, so ask a few times first.
 */
async function answers(rec: RouterRecord, attempts = 1): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (!isAlive(rec.pid) || !readCmdline(rec.pid).includes(String(rec.adminPort))) return false;
    if ((await probeWithToken(`http://127.0.0.1:${rec.adminPort}/state`, rec.adminToken)) === 200)
      return true;
  }
  return false;
}

function probeWithToken(url: string, token: string): Promise<number | undefined> {
  return fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(5_000) })
    .then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    })
    .catch(() => undefined);
}

/**
 * Make sure the router runs as its own detached process (so users keep being served while the
 * control plane is down): adopt the recorded one when it is alive and answers its admin API with
 * the stored token, otherwise start a new one and record it before waiting for it.
 */
export async function ensureDataPlane(opts: DataPlaneOptions): Promise<DataPlane> {
  const { store } = opts;
  const log = opts.log ?? (() => {});
  const recorded = store.getMeta<RouterRecord | null>(ROUTER_META_KEY) ?? undefined;
  if (recorded && (await answers(recorded, 4))) {
    log(`adopted the running router (pid ${recorded.pid}, traffic port ${recorded.trafficPort})`);
    return handle(store, recorded, true);
  }
  if (recorded && isAlive(recorded.pid) && readCmdline(recorded.pid).includes(String(recorded.adminPort))) {
    // Alive but not answering: a wedged router must not keep the ports.
    await stopProcess(recorded.pid, 2_000);
  }
  // The token outlives one router process, so clients built for the old one keep working.
  const adminToken = recorded?.adminToken ?? randomBytes(24).toString('base64url');
  const args = routeArgs(opts, (await opts.initial?.()) ?? { blue: [], green: [] });
  const { command, args: argv } = (opts.routerCommand ?? defaultRouterCommand)(args);
  mkdirSync(join(opts.dataDir, 'logs'), { recursive: true });
  const logFile = join(opts.dataDir, 'logs', 'router.log');
  const fd = openSync(logFile, 'a');
  writeSync(
    fd,
    `--- ${new Date().toISOString()} starting router on ${opts.trafficPort} (admin ${opts.adminPort})\n`,
  );
  let pid: number | undefined;
  let exited: Promise<void> | undefined;
  try {
    // The token goes through the environment, not argv: argv is world-readable in /proc.
    const child = spawn(command, argv, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: adminToken },
    });
    child.on('error', () => {});
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  if (pid === undefined)
    throw new GreenlightError('GL_DATA_PLANE_START', `could not start the router (${command})`);
  const rec: RouterRecord = {
    pid,
    trafficPort: opts.trafficPort,
    adminPort: opts.adminPort,
    adminToken,
    startedAt: Date.now(),
    log: logFile,
  };
  store.setMeta(ROUTER_META_KEY, rec);
  const until = Date.now() + (opts.startTimeoutMs ?? 15_000);
  while (!(await answers(rec))) {
    if (!isAlive(pid) || Date.now() > until) {
      await stopProcess(pid, 1_000);
      store.setMeta(ROUTER_META_KEY, null);
      throw new GreenlightError(
        'GL_DATA_PLANE_START',
        `the router did not start (traffic port ${opts.trafficPort}, admin port ${opts.adminPort}): ${tail(logFile)}`,
      );
    }
    // short: while a replacement starts, users' connections are refused
    await new Promise((r) => setTimeout(r, 25));
  }
  log(`started the router (pid ${pid}): users' traffic on http://127.0.0.1:${opts.trafficPort}`);
  return { ...handle(store, rec, false), exited };
}

/**
 * Watch the router process and start a replacement (same ports, same admin token, the backends and
 * active color the platform and the store know) when it dies, with an audit record (kind
 * `data-plane`). A router this process started is replaced as soon as it exits; an adopted one is
 * polled every `intervalMs`. While none runs, connections to the traffic port are refused: users'
 * requests fail fast, none hangs (bench/faults.ts counts them). Returns a stop function.
 */
export function superviseDataPlane(
  opts: DataPlaneOptions,
  current: () => DataPlane,
  replaced: (next: DataPlane) => void,
  intervalMs = 250,
): () => void {
  const log = opts.log ?? (() => {});
  let busy = false;
  let stopped = false;
  const check = async () => {
    if (busy || stopped || isAlive(current().pid)) return;
    busy = true;
    const dead = current();
    const since = Date.now();
    try {
      const rec = opts.store.getMeta<RouterRecord | null>(ROUTER_META_KEY);
      const lastWords = rec ? tail(rec.log) : 'no log';
      log(`warn the router (pid ${dead.pid}) died: ${lastWords}; starting a new one`);
      const next = await ensureDataPlane(opts);
      // even when stopped meanwhile: a close that stops the data plane must stop this one
      replaced(next);
      watch(next);
      // not a deployment's record: the router serves whichever deployments the control plane runs
      opts.store.appendAudit({
        deployment: null,
        rolloutId: null,
        kind: 'data-plane',
        actor: 'control-plane',
        data: {
          event: 'router-replaced',
          deadPid: dead.pid,
          pid: next.pid,
          trafficPort: opts.trafficPort,
          restartMs: Date.now() - since,
          lastWords,
        },
      });
    } catch (err) {
      log(`error could not restart the router: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const watch = (dp: DataPlane) => void dp.exited?.then(() => (current() === dp ? check() : undefined));
  watch(current());
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** `greenlight route` flags for a new router: its ports and what it starts with. */
export function routeArgs(
  opts: Pick<DataPlaneOptions, 'trafficPort' | 'adminPort'>,
  initial: InitialBackends,
): string[] {
  const args = ['--port', String(opts.trafficPort), '--admin-port', String(opts.adminPort)];
  args.push('--blue', initial.blue.join(','), '--green', initial.green.join(','));
  if (initial.active) args.push('--active', initial.active);
  // A router that replaces a dead one continues the generation count the audit log knows.
  if (initial.generation) args.push('--generation', String(initial.generation));
  // The router checks each slot on its own server's readiness path, never an assumed /ready.
  for (const c of ['blue', 'green'] as const) {
    const path = initial.healthPaths?.[c];
    if (path) args.push(`--${c}-health-path`, path);
  }
  const log = initial.requestLog;
  if (log) {
    args.push('--request-log', log.path, '--request-log-sample', String(log.sampleRate));
    args.push('--request-log-max-bytes', String(log.maxBytes), '--request-log-keep', String(log.keep));
  }
  return args;
}

function defaultRouterCommand(routeArgs: string[]) {
  return { command: process.execPath, args: [GREENLIGHT_BIN, 'route', ...routeArgs] };
}

function handle(store: Store, rec: RouterRecord, adopted: boolean): DataPlane {
  return {
    trafficUrl: `http://127.0.0.1:${rec.trafficPort}`,
    adminUrl: `http://127.0.0.1:${rec.adminPort}`,
    adminToken: rec.adminToken,
    pid: rec.pid,
    adopted,
    async stop(timeoutMs) {
      await stopProcess(rec.pid, timeoutMs);
      store.setMeta(ROUTER_META_KEY, null);
    },
  };
}

function tail(file: string): string {
  return logTail(file);
}
