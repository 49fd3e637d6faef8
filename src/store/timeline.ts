import type { Color } from '../spec/types.js';
import {
  type AuditRecord,
  SERVING_CHANGE_KINDS,
  type Store,
  type SwitchAuditData,
  type TrafficShare,
} from './types.js';

/**
 * One stretch of time during which user requests were served the same way: all by one color and
 * version, or (a staged rollout's step) split between the two as `shares` say.
 */
export interface ServingInterval {
  /** The router's active color: every request, or the rest of a split. */
  color: Color;
  version: string;
  /** Which share of requests went to which version; one entry of 100 unless split. */
  shares: TrafficShare[];
  /** switchedAt of the record that started it (ms since epoch). */
  from: number;
  /** switchedAt of the next change; null while it still serves. */
  until: number | null;
  /** Audit seq of the switch/rollback/activate record that started it, and its kind. */
  seq: number;
  kind: string;
  generation: number;
}

/**
 * Every serving interval of a deployment, oldest first, from its `activate`, `switch`,
 * `rollback` and `weights` audit records (SwitchAuditData). This is the seed's compliance promise: "before
 * time X all requests used v1, after X all used v2" reads straight off the list.
 */
export function servingTimeline(store: Pick<Store, 'listAudit'>, deployment: string): ServingInterval[] {
  const changes = store
    .listAudit({ deployment })
    .filter((r) => SERVING_CHANGE_KINDS.includes(r.kind) && isSwitchData(r.data))
    .map((r) => ({ r, d: r.data as unknown as SwitchAuditData }))
    // Audit order is the order things were decided; switchedAt is when the router made them true.
    .sort((a, b) => a.d.switchedAt - b.d.switchedAt || a.r.seq - b.r.seq);
  return changes.map(({ r, d }, i) => ({
    color: d.to,
    version: d.toVersion,
    shares: d.shares ?? [{ color: d.to, version: d.toVersion, percent: 100 }],
    from: d.switchedAt,
    until: i + 1 < changes.length ? changes[i + 1].d.switchedAt : null,
    seq: r.seq,
    kind: r.kind,
    generation: d.generation,
  }));
}

/**
 * Which color and model version served `deployment` at `time` (ms since epoch); undefined
 * before the first activation. A switch at exactly `time` counts: the router guarantees every
 * request arriving from switchedAt on goes to the new color.
 */
export function versionAt(
  store: Pick<Store, 'listAudit'>,
  deployment: string,
  time: number,
): ServingInterval | undefined {
  let found: ServingInterval | undefined;
  for (const interval of servingTimeline(store, deployment)) {
    if (interval.from > time) break;
    found = interval;
  }
  return found;
}

function isSwitchData(data: AuditRecord['data']): boolean {
  return (
    (data.to === 'blue' || data.to === 'green') &&
    typeof data.toVersion === 'string' &&
    typeof data.switchedAt === 'number' &&
    typeof data.generation === 'number'
  );
}
