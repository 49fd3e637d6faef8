import { describe, expect, it } from 'vitest';
import { recordDeployed } from '../controller/plan.js';
import { createFakeRouter } from '../controller/testing/fake-router.js';
import { testSpec } from '../controller/testing/spec.js';
import { createFakePlatform } from '../platform/fake/fake-platform.js';
import type { DeploymentSpec } from '../spec/types.js';
import { openStore } from '../store/sqlite-store.js';
import { keepReplicas } from './replica-keeper.js';

/** A deployment serving on blue, with blue's replicas crashed behind the controller's back. */
async function crashedBlue(applied: (spec: DeploymentSpec) => DeploymentSpec) {
  const store = openStore(':memory:');
  const platform = createFakePlatform();
  const router = createFakeRouter();
  const served = testSpec({ name: 'spam' });
  await platform.deploy('spam', 'blue', served.blue);
  store.transaction(() => recordDeployed(store, 'spam', 'blue', served.blue));
  store.putDeployment({
    name: 'spam',
    spec: applied(structuredClone(served)),
    activeColor: 'blue',
    versions: { blue: served.blue.modelVersion },
    generation: 1,
    currentRolloutId: null,
  });
  platform.crash('spam', 'blue');
  const deploys = () => platform.calls.filter((c) => c.method === 'deploy').length;
  return { store, platform, router, deploys };
}

async function onePass(o: Awaited<ReturnType<typeof crashedBlue>>): Promise<void> {
  const stop = keepReplicas({ ...o, log: () => {}, intervalMs: 10 });
  await new Promise((r) => setTimeout(r, 60));
  await stop();
}

describe('replica keeper', () => {
  it('replaces dead replicas of the serving slot when the applied spec is what serves', async () => {
    const o = await crashedBlue((s) => s);
    const before = o.deploys();
    await onePass(o);
    expect(o.deploys()).toBeGreaterThan(before);
    expect((await o.platform.status('spam', 'blue')).replicas.length).toBe(
      o.store.getDeployment('spam')!.spec.blue.replicas,
    );
  });

  it('leaves the serving slot alone when the applied spec changed what runs there (command, env…)', async () => {
    const o = await crashedBlue((s) => ({ ...s, blue: { ...s.blue, env: { MODEL_THREADS: '4' } } }));
    const before = o.deploys();
    await onePass(o);
    expect(o.deploys()).toBe(before);
  });
});
