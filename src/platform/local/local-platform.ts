import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protocolDefaults, serverOf } from '../../spec/server.js';
import type { Color, ColorSpec, ProbeSpec } from '../../spec/types.js';
import type { Store } from '../../store/types.js';
import type { ColorState, Platform, Replica, ResourceUsage } from '../types.js';
import { freePort } from './free-port.js';
import { commandLine, launchPlan, type ServerCommand, spawnDetached } from './launch.js';
import { logTail } from './log-tail.js';
import { checkProbe, ruleText } from './probe.js';
import {
  groupPids,
  isAlive,
  readCmdline,
  readCpuSeconds,
  readRssBytes,
  readStartTicks,
  stopProcess,
} from './proc.js';
import { type ColorRecord, type ReplicaRecord, readColorRecord, writeColorRecord } from './replica-record.js';

/** The repository's launcher; replicas run the same greenlight the control plane runs. */
export const GREENLIGHT_BIN = fileURLToPath(
  new URL('../../../bin/greenlight.js', import.meta.url).href.replace('/dist/', '/'),
);

export interface LocalPlatformOptions {
  store: Store;
  /** Replica logs go to `<dataDir>/logs/`. */
  dataDir: string;
  /** How to start greenlight's model server with `serve` flags; default `node bin/greenlight.js serve ...`. */
  serverCommand?: ServerCommand;
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

/** What the replicas run, as one string: a change in any part means new processes. */
function runsOf(spec: ColorSpec): string {
  return JSON.stringify([spec.model ?? null, spec.command ?? null, spec.env ?? null, spec.cwd ?? null]);
}

const GREENLIGHT_READY: ProbeSpec = protocolDefaults('greenlight').readiness;

/**
 * The embedded platform: each replica is a detached process — `greenlight serve` on the slot's
 * model, or the slot's own `command` — in its own process group with output to a log file, so
 * users keep being served while the control plane is down. Pids and ports live in the store's
 * meta; a restarted control plane adopts live replicas instead of starting duplicates. Readiness
 * is the slot's `server.readiness` rule.
 */
export function createLocalPlatform(opts: LocalPlatformOptions): Platform {
  const { store } = opts;
  const command = opts.serverCommand ?? defaultCommand;
  const readyWaitMs = opts.readyWaitMs ?? 60_000;
  const logDir = join(opts.dataDir, 'logs');
  const log = opts.log ?? (() => {});

  /**
   * A recorded replica is ours only if its pid is alive and is still the process we started (pids
   * get reused): the same start time, which holds for any command. Records from before start times
   * were kept fall back to the port in the command line.
   */
  function owns(r: ReplicaRecord): boolean {
    if (!isAlive(r.pid)) return false;
    if (r.startTicks !== undefined) return readStartTicks(r.pid) === r.startTicks;
    return readCmdline(r.pid).includes(String(r.port)) || Date.now() - r.startedAt < 5_000;
  }

  async function startReplica(deployment: string, spec: ColorSpec, id: string): Promise<ReplicaRecord> {
    mkdirSync(logDir, { recursive: true });
    const port = await freePort();
    const logFile = join(logDir, `${deployment}-${id}.log`);
    const plan = launchPlan(spec, port, command, { ...process.env, ...opts.env });
    const pid = await spawnDetached(plan, logFile, `starting ${id} ${spec.modelVersion} on port ${port}`);
    // Read at once: the start time is set at fork, so it is the child's even before it execs.
    const startTicks = readStartTicks(pid);
    log(`started ${deployment}/${id} (${spec.modelVersion}) pid ${pid} port ${port}`);
    return {
      id,
      url: `http://127.0.0.1:${port}`,
      port,
      pid,
      startedAt: Date.now(),
      ...(startTicks !== undefined ? { startTicks } : {}),
      log: logFile,
      commandLine: commandLine(plan),
    };
  }

  function nextId(color: Color, replicas: ReplicaRecord[]): string {
    const used = new Set(replicas.map((r) => r.id));
    for (let i = 0; ; i++) if (!used.has(`${color}-${i}`)) return `${color}-${i}`;
  }

  async function waitSettled(replicas: ReplicaRecord[], rule: ProbeSpec): Promise<void> {
    const until = Date.now() + readyWaitMs;
    for (const r of replicas) {
      while (Date.now() < until && owns(r)) {
        if ((await checkProbe(r.url, rule)).ok) break;
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }

  async function deploy(deployment: string, color: Color, spec: ColorSpec): Promise<ColorState> {
    let rec = readColorRecord(store, deployment, color);
    const runs = runsOf(spec);
    // Records from before `runs` was kept compare by model file alone.
    const same =
      rec &&
      rec.modelVersion === spec.modelVersion &&
      (rec.runs ?? runsOf({ ...spec, model: rec.model })) === runs;
    if (rec && !same) {
      await teardown(deployment, color, 10);
      rec = undefined;
    }
    const live = (rec?.replicas ?? []).filter(owns);
    const readiness = serverOf(spec).readiness;
    const next: ColorRecord = {
      deploymentName: spec.deploymentName,
      modelVersion: spec.modelVersion,
      model: spec.model ?? spec.command?.join(' ') ?? '',
      runs,
      readiness,
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
    await waitSettled(started, readiness);
    return status(deployment, color);
  }

  /** The command and the last lines a dead replica wrote: usually why it could not start. */
  function deathNote(r: ReplicaRecord): string {
    return `${r.id} exited${r.commandLine ? ` (${r.commandLine})` : ''}: ${logTail(r.log)}`;
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
      const rule = rec.readiness ?? GREENLIGHT_READY;
      const verdict = await checkProbe(r.url, rule);
      // Servers that say their version (greenlight's x-model-version) must say the deployed one.
      const version = verdict.headers?.['x-model-version'];
      if (version !== undefined && version !== rec.modelVersion) {
        problems.push(`${r.id} answers as version ${String(version)}, expected ${rec.modelVersion}`);
      } else if (verdict.ok) ready++;
      else problems.push(`${r.id} not ready: ${ruleText(rule)}; ${verdict.answer}`);
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
    // The whole process group of each replica: servers that fork workers use them to serve.
    const pids = (readColorRecord(store, deployment, color)?.replicas ?? [])
      .filter(owns)
      .flatMap((r) => groupPids(r.pid));
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
