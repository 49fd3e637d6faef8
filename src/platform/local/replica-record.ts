import type { Store } from '../../store/types.js';

/** What the local platform remembers about one replica (in the store's meta, so a restart can adopt it). */
export interface ReplicaRecord {
  id: string;
  url: string;
  port: number;
  pid: number;
  startedAt: number;
  /** File the replica's stdout and stderr go to. */
  log: string;
}

/** What runs in one color of one deployment. */
export interface ColorRecord {
  deploymentName: string;
  modelVersion: string;
  model: string;
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
