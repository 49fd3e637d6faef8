import { fingerprint, lastDeployed } from '../controller/plan.js';
import type { Platform } from '../platform/types.js';
import type { RouterControl } from '../router/types.js';
import { serverOf } from '../spec/server.js';
import type { Store } from '../store/types.js';

export interface ReplicaKeeperOptions {
  store: Store;
  platform: Platform;
  router: RouterControl;
  log: (line: string) => void;
  intervalMs?: number;
}

/**
 * Restart replicas of the active color that died, between rollouts. During a rollout the controller
 * owns both slots (it deploys, drains and tears them down), so the keeper leaves them alone; it
 * also leaves a slot alone when what runs there is not what the applied spec says.
 */
export function keepReplicas(opts: ReplicaKeeperOptions): () => Promise<void> {
  const { store, platform, router, log } = opts;
  let current: Promise<void> | undefined;
  let stopped = false;
  async function pass(): Promise<void> {
    for (const d of store.listDeployments()) {
      const color = d.activeColor;
      if (color === null || d.currentRolloutId !== null) continue;
      const want = d.spec[color];
      // An applied spec that changed the serving slot (its command, env…) is not what runs there:
      // "replacing" a dead replica would restart the whole slot under users.
      if (lastDeployed(store, d.name)[color] !== fingerprint(want)) continue;
      const state = await platform.status(d.name, color);
      if (state.modelVersion !== want.modelVersion || state.replicas.length >= want.replicas) continue;
      // Checked again just before acting: a rollout may have started while we looked.
      if (store.getDeployment(d.name)?.currentRolloutId !== null) continue;
      log(
        `warn ${d.name}/${color}: ${state.replicas.length} of ${want.replicas} replicas alive; starting replacements`,
      );
      const next = await platform.deploy(d.name, color, want);
      await router.setBackends(
        color,
        next.replicas.map((r) => r.url),
        serverOf(want).readiness.path,
      );
    }
  }
  const timer = setInterval(() => {
    if (current || stopped) return;
    current = pass()
      .catch((err: unknown) => log(`warn replica keeper: ${(err as Error).message}`))
      .finally(() => {
        current = undefined;
      });
  }, opts.intervalMs ?? 2_000);
  timer.unref();
  // Stopping waits for a pass in progress: replicas it starts must be recorded before a teardown reads the record.
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
