import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GreenlightError } from '../../errors.js';
import type { Color, ColorSpec } from '../../spec/types.js';
import type { Store } from '../../store/types.js';
import type { ColorState, Platform, Replica, ResourceUsage } from '../types.js';
import { freePort } from './free-port.js';
import { logTail } from './log-tail.js';
import { probe } from './probe.js';
import { isAlive, readCmdline, readCpuSeconds, readRssBytes, stopProcess } from './proc.js';
import { type ColorRecord, type ReplicaRecord, readColorRecord, writeColorRecord } from './replica-record.js';

/** The repository's launcher; replicas run the same greenlight the control plane runs. */
export const GREENLIGHT_BIN = fileURLToPath(
  new URL('../../../bin/greenlight.js', import.meta.url).href.replace('/dist/', '/'),
);

export interface LocalPlatformOptions {
  store: Store;
  /** Replica logs go to `<dataDir>/logs/`. */
  dataDir: string;
  /** How to start a model server with `serve` flags; default `node bin/greenlight.js serve ...`. */
  serverCommand?: (serveArgs: string[]) => { command: string; args: string[] };
  /** How long `deploy` waits for new replicas to become ready (or die) before returning. */
  readyWaitMs?: number;
  /** Extra environment for replicas. */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

const defaultCommand = (serveArgs: string[]) => ({
  command: process.execPath,
  args: [GREENLIGHT_BIN, 'serve', ...serveArgs],
});

/**
 * The embedded platform: each replica is a detached `greenlight serve` process (own process group,
 * output to a log file) so users keep being served while the control plane is down. Pids and ports
 * live in the store's meta; a restarted control plane adopts live replicas instead of starting
 * duplicates.
 */
export function createLocalPlatform(opts: LocalPlatformOptions): Platform {
  const { store } = opts;
  const command = opts.serverCommand ?? defaultCommand;
  const readyWaitMs = opts.readyWaitMs ?? 60_000;
  const logDir = join(opts.dataDir, 'logs');
  const log = opts.log ?? (() => {});

  /**
   * A recorded replica is ours only if its pid is alive and still runs a server on its port (pids get
   * reused). Just after the spawn the child may not have exec'd yet and still shows our command line.
   */
  function owns(r: ReplicaRecord): boolean {
    if (!isAlive(r.pid)) return false;
    return readCmdline(r.pid).includes(String(r.port)) || Date.now() - r.startedAt < 5_000;
  }

  async function startReplica(deployment: string, spec: ColorSpec, id: string): Promise<ReplicaRecord> {
    mkdirSync(logDir, { recursive: true });
    const port = await freePort();
    const logFile = join(logDir, `${deployment}-${id}.log`);
    const fd = openSync(logFile, 'a');
    writeSync(fd, `--- ${new Date().toISOString()} starting ${id} ${spec.modelVersion} on port ${port}\n`);
    // No --name: both slots keep the default OIP model name, so the schema gate compares like with like.
    const serveArgs = ['--model', spec.model!, '--version', spec.modelVersion, '--port', String(port)];
    const { command: cmd, args } = command(serveArgs);
    try {
      const child = spawn(cmd, args, {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, ...opts.env },
      });
      // Without a pid the spawn failed synchronously (ENOENT…): report it like a dead replica.
      if (child.pid === undefined) throw new GreenlightError('GL_PLATFORM_SPAWN', `could not start ${cmd}`);
      child.on('error', () => {});
      child.unref();
      log(`started ${deployment}/${id} (${spec.modelVersion}) pid ${child.pid} port ${port}`);
      return {
        id,
        url: `http://127.0.0.1:${port}`,
        port,
        pid: child.pid,
        startedAt: Date.now(),
        log: logFile,
      };
    } finally {
      closeSync(fd);
    }
  }

  function nextId(color: Color, replicas: ReplicaRecord[]): string {
    const used = new Set(replicas.map((r) => r.id));
    for (let i = 0; ; i++) if (!used.has(`${color}-${i}`)) return `${color}-${i}`;
  }

  async function waitSettled(replicas: ReplicaRecord[]): Promise<void> {
    const until = Date.now() + readyWaitMs;
    for (const r of replicas) {
      while (Date.now() < until && owns(r)) {
        if ((await probe(`${r.url}/ready`, 1_000))?.status === 200) break;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }

  async function deploy(deployment: string, color: Color, spec: ColorSpec): Promise<ColorState> {
    if (!spec.model) {
      throw new GreenlightError('GL_PLATFORM_SPEC', `${color}.model is required on the local platform`);
    }
    let rec = readColorRecord(store, deployment, color);
    if (rec && (rec.modelVersion !== spec.modelVersion || rec.model !== spec.model)) {
      await teardown(deployment, color, 10);
      rec = undefined;
    }
    const live = (rec?.replicas ?? []).filter(owns);
    const next: ColorRecord = {
      deploymentName: spec.deploymentName,
      modelVersion: spec.modelVersion,
      model: spec.model,
      replicas: live,
    };
    for (const extra of live.splice(spec.replicas)) await stopProcess(extra.pid, 10_000);
    writeColorRecord(store, deployment, color, next);
    const started: ReplicaRecord[] = [];
    while (next.replicas.length < spec.replicas) {
      const r = await startReplica(deployment, spec, nextId(color, next.replicas));
      next.replicas.push(r);
      started.push(r);
      // Persist each pid at once: a control plane killed between two spawns must not orphan the first.
      writeColorRecord(store, deployment, color, next);
    }
    await waitSettled(started);
    return status(deployment, color);
  }

  /** The last lines a dead replica wrote: usually why it could not start (bad model file…). */
  function deathNote(r: ReplicaRecord): string {
    return `${r.id} exited: ${logTail(r.log)}`;
  }

  async function status(deployment: string, color: Color): Promise<ColorState> {
    const rec = readColorRecord(store, deployment, color);
    if (!rec) return { color, replicas: [], readyReplicas: 0 };
    const replicas: Replica[] = [];
    const problems: string[] = [];
    let ready = 0;
    for (const r of rec.replicas) {
      if (!owns(r)) {
        problems.push(deathNote(r));
        continue;
      }
      replicas.push({ id: r.id, url: r.url, pid: r.pid });
      const res = await probe(`${r.url}/ready`, 1_000);
      const version = res?.headers['x-model-version'];
      if (res?.status === 200 && (version === undefined || version === rec.modelVersion)) ready++;
      else if (res && version !== undefined && version !== rec.modelVersion) {
        problems.push(`${r.id} answers as version ${String(version)}, expected ${rec.modelVersion}`);
      }
    }
    return {
      color,
      deploymentName: rec.deploymentName,
      modelVersion: rec.modelVersion,
      replicas,
      readyReplicas: ready,
      ...(problems.length > 0 ? { problems } : {}),
    };
  }

  async function teardown(deployment: string, color: Color, stopTimeoutSeconds: number): Promise<void> {
    const rec = readColorRecord(store, deployment, color);
    if (!rec) return;
    await Promise.all(
      rec.replicas.filter(owns).map(async (r) => {
        const how = await stopProcess(r.pid, stopTimeoutSeconds * 1000);
        log(`stopped ${deployment}/${r.id} pid ${r.pid} (${how})`);
      }),
    );
    writeColorRecord(store, deployment, color, null);
  }

  async function resources(deployment: string, color: Color, sampleMs: number): Promise<ResourceUsage> {
    const pids = (readColorRecord(store, deployment, color)?.replicas ?? []).filter(owns).map((r) => r.pid);
    const cpu = () => pids.reduce((s, p) => s + readCpuSeconds(p), 0);
    const before = cpu();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, sampleMs));
    const seconds = Math.max(0.001, (Date.now() - t0) / 1000);
    const cpuPercent = ((cpu() - before) / seconds) * 100;
    const rssBytes = pids.reduce((s, p) => s + readRssBytes(p), 0);
    return { rssBytes, cpuPercent: Math.max(0, cpuPercent) };
  }

  return { kind: 'local', deploy, status, teardown, resources };
}
