import type { ProbeSpec } from '../../spec/types.js';
import type { Store } from '../../store/types.js';

/** What the local platform remembers about one replica (in the store's meta, so a restart can adopt it). */
export interface ReplicaRecord {
  id: string;
  url: string;
  port: number;
  pid: number;
  startedAt: number;
  /** The process's start time in clock ticks after boot (proc.ts readStartTicks): proves the pid is still ours. */
  startTicks?: number;
  /** File the replica's stdout and stderr go to. */
  log: string;
  /** The command line it was started with, for errors that name it. */
  commandLine?: string;
}

/** What runs in one color of one deployment. */
export interface ColorRecord {
  deploymentName: string;
  modelVersion: string;
  /** The ONNX file, or the user's command line: what the replicas run. */
  model: string;
  /** Everything that makes two deployments of one version different processes (command, env, cwd, model). */
  runs?: string;
  /** How readiness is judged (the slot's server.readiness), kept so status() needs no spec. */
  readiness?: ProbeSpec;
  replicas: ReplicaRecord[];
}

/** Meta key of one color's record; one key per color so two colors never overwrite each other. */
export function colorKey(deployment: string, color: string): string {
  return `local-platform/${deployment}/${color}`;
}

export function readColorRecord(store: Store, deployment: string, color: string): ColorRecord | undefined {
  return store.getMeta<ColorRecord | null>(colorKey(deployment, color)) ?? undefined;
}

export function writeColorRecord(
  store: Store,
  deployment: string,
  color: string,
  rec: ColorRecord | null,
): void {
  store.setMeta(colorKey(deployment, color), rec);
}
