import { existsSync } from 'node:fs';
import { createLocalPlatform } from '../platform/local/local-platform.js';
import { stopProcess } from '../platform/local/proc.js';
import { COLORS } from '../spec/types.js';
import { dbPath } from '../store/data-dir.js';
import { openStore } from '../store/sqlite-store.js';
import { ROUTER_META_KEY, type RouterRecord } from './data-plane.js';

/**
 * Stop the data plane a data directory recorded — every model-server replica and the router — without
 * a running control plane (`greenlight down`, and tests' last-resort clean-up). Idempotent.
 */
export async function stopDataPlane(
  dataDir: string,
  log: (line: string) => void = () => {},
): Promise<number> {
  if (!existsSync(dbPath(dataDir))) return 0;
  const store = openStore(dbPath(dataDir), { mustExist: true });
  let stopped = 0;
  try {
    const platform = createLocalPlatform({ store, dataDir, log });
    for (const d of store.listDeployments()) {
      for (const c of COLORS) {
        stopped += (await platform.status(d.name, c)).replicas.length;
        await platform.teardown(d.name, c, d.spec.teardown.stopTimeoutSeconds);
      }
    }
    const router = store.getMeta<RouterRecord | null>(ROUTER_META_KEY);
    if (router) {
      const how = await stopProcess(router.pid, 10_000);
      if (how !== 'absent') stopped++;
      log(`router pid ${router.pid}: ${how}`);
      store.setMeta(ROUTER_META_KEY, null);
    }
  } finally {
    store.close();
  }
  return stopped;
}
