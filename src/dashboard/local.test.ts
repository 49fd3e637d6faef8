import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../cli/client.js';
import { stopDataPlane } from '../control-plane/down.js';
import { type LocalControlPlane, startLocalControlPlane } from '../control-plane/local.js';
import { waitFor, writeTestSpec } from '../control-plane/testing/scenario.js';
import { readSampleTexts, startTraffic } from '../control-plane/traffic.js';
import { freePort } from '../platform/local/free-port.js';
import { ensureModels } from '../testing/models.js';
import type { TrafficPoint } from './traffic.js';

let dir: string;
let cp: LocalControlPlane | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gl-dash-local-'));
});

afterAll(async () => {
  await cp?.close({ stopDataPlane: true });
  await stopDataPlane(join(dir, 'data'));
  rmSync(dir, { recursive: true, force: true });
});

describe('greenlight up serves the dashboard', () => {
  it('at / on the API port, with live traffic figures from the real router', async () => {
    const models = await ensureModels();
    cp = await startLocalControlPlane({
      dataDir: join(dir, 'data'),
      port: await freePort(),
      trafficPort: await freePort(),
      routerAdminPort: await freePort(),
      adminToken: 'tok',
      intervalMs: 200,
    });
    const page = await fetch(`${cp.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/dashboard/app.js');
    expect((await fetch(`${cp.url}/vendor/uplot/uPlot.esm.js`)).status).toBe(200);
    // The API still answers its own routes, and unknown paths are still its 404.
    expect((await fetch(`${cp.url}/api/deployments`)).status).toBe(200);
    expect((await fetch(`${cp.url}/nope`)).status).toBe(404);

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
      let points: TrafficPoint[] = [];
      const end = Date.now() + 30_000;
      while (Date.now() < end) {
        points = (
          (await (await fetch(`${cp.url}/api/traffic?deployment=spam`)).json()) as { points: TrafficPoint[] }
        ).points;
        if (points.some((p) => p.colors.blue.rps > 0 || p.colors.green.rps > 0)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const busy = points.find((p) => p.colors.blue.rps > 0 || p.colors.green.rps > 0);
      expect(busy, JSON.stringify(points.slice(-3))).toBeDefined();
      const c = busy!.colors.blue.rps > 0 ? busy!.colors.blue : busy!.colors.green;
      expect(c.errorRate).toBe(0);
      expect(c.p50Ms).toBeGreaterThan(0);
      expect(c.p99Ms).toBeGreaterThanOrEqual(c.p50Ms!);
      const timeline = (await (await fetch(`${cp.url}/api/deployments/spam/timeline`)).json()) as {
        intervals: unknown[];
      };
      expect(timeline.intervals[0]).toMatchObject({ color: 'blue', version: 'v1' });
    } finally {
      await traffic.stop();
    }
  }, 90_000);
});
