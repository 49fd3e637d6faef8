import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { isAlive } from '../platform/local/proc.js';
import { ensureModels } from '../testing/models.js';
import { stopDataPlane } from './down.js';
import { type LocalControlPlane, startLocalControlPlane } from './local.js';
import { waitFor, waitForRolloutEnd, writeTestSpec } from './testing/scenario.js';
import { readSampleTexts, startTraffic } from './traffic.js';

let dir: string;
let models: string;
let cp: LocalControlPlane | undefined;
let ports: { port: number; trafficPort: number; routerAdminPort: number };

async function up() {
  return startLocalControlPlane({ dataDir: join(dir, 'data'), ...ports, adminToken: 'tok', intervalMs: 200 });
}

beforeAll(async () => {
  models = await ensureModels();
  dir = mkdtempSync(join(tmpdir(), 'gl-cp-'));
  ports = { port: await freePort(), trafficPort: await freePort(), routerAdminPort: await freePort() };
});

afterAll(async () => {
  await cp?.close({ stopDataPlane: true });
  await stopDataPlane(join(dir, 'data'));
  rmSync(dir, { recursive: true, force: true });
});

describe('local control plane', () => {
  it('bootstraps v1, rolls out v2 under live traffic with no failed request, and a restart adopts the data plane', async () => {
    cp = await up();
    const client = createClient({ url: cp.url, token: 'tok' });
    const spec = writeTestSpec(dir, 'v2.yaml', {
      blue: ['v1', 'spam-v1.onnx'],
      green: ['v2', 'spam-v2.onnx'],
      models,
    });
    await client.post('/api/deployments', { path: spec });
    await waitFor(client, 'spam', (v) => v.activeColor !== null);
    const traffic = startTraffic({
      url: cp.trafficUrl,
      texts: readSampleTexts(join(models, 'samples.jsonl')),
      ratePerSecond: 20,
    });
    try {
      const done = await waitForRolloutEnd(client, 'spam', 0);
      expect(done.phase, JSON.stringify(done.rollout?.reason)).toBe('Complete');
      expect(done.activeColor).toBe('green');
      const routerPid = cp.dataPlane.pid;
      const replicas = (await cp.platform.status('spam', 'green')).replicas.map((r) => r.pid);
      await cp.close();
      expect(isAlive(routerPid)).toBe(true);
      cp = await up();
      expect(cp.dataPlane.adopted).toBe(true);
      expect(cp.dataPlane.pid).toBe(routerPid);
      expect((await cp.platform.status('spam', 'green')).replicas.map((r) => r.pid)).toEqual(replicas);
    } finally {
      const stats = await traffic.stop();
      expect(stats.ok).toBeGreaterThan(0);
      expect(stats.failures).toEqual([]);
    }
  });

  it('a router that dies is replaced with the same ports, backends and active color', async () => {
    const before = cp!.dataPlane.pid;
    const active = cp!.store.getDeployment('spam')!.activeColor;
    process.kill(before, 'SIGKILL');
    for (let i = 0; i < 150 && cp!.dataPlane.pid === before; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(cp!.dataPlane.pid).not.toBe(before);
    const res = await fetch(`${cp!.trafficUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'free money, click now' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-greenlight-color')).toBe(active);
    expect(res.headers.get('x-model-version')).toBe('v2');
  });
});
