import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { isAlive } from '../platform/local/proc.js';
import { ensureModels } from '../testing/models.js';
import { until } from '../testing/until.js';
import { stopDataPlane } from './down.js';
import { type LocalControlPlane, startLocalControlPlane } from './local.js';
import { waitFor, waitForRolloutEnd, writeTestSpec } from './testing/scenario.js';
import { type RequestOutcome, readSampleTexts, startTraffic, type TrafficStats } from './traffic.js';

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

  it('a router SIGKILLed under load is replaced, with an audit record; requests meanwhile fail with a connection error, none hangs', async () => {
    const before = cp!.dataPlane.pid;
    const active = cp!.store.getDeployment('spam')!.activeColor;
    const outcomes: RequestOutcome[] = [];
    const okAfter = (t: number) => outcomes.some((o) => o.outcome === 'ok' && o.sentAt > t);
    // a request that hangs ends at this timeout, with a code of its own (UND_ERR_HEADERS_TIMEOUT)
    const traffic = startTraffic({
      url: cp!.trafficUrl,
      texts: readSampleTexts(join(models, 'samples.jsonl')),
      ratePerSecond: 50,
      maxInFlight: 64,
      timeoutMs: 5_000,
      onResult: (r) => outcomes.push(r),
    });
    let stats: TrafficStats;
    try {
      await until(() => okAfter(0));
      process.kill(before, 'SIGKILL');
      await until(() => cp!.dataPlane.pid !== before);
      const replacedAt = performance.now();
      await until(() => okAfter(replacedAt));
    } finally {
      stats = await traffic.stop();
    }
    expect(outcomes).toHaveLength(stats.sent); // every request ended
    const failed = outcomes.filter((o) => o.outcome !== 'ok').map((o) => o.outcome);
    expect(
      failed.filter((code) => !CONNECTION_ERRORS.includes(code)),
      JSON.stringify(stats.byFailure),
    ).toEqual([]);
    const record = cp!.store
      .listAudit({ limit: 10_000 })
      .find((r) => r.kind === 'data-plane' && r.data.deadPid === before);
    expect(record?.data).toMatchObject({ event: 'router-replaced', pid: cp!.dataPlane.pid });
    expect(isAlive(before)).toBe(false);

    // same ports, backends and active color
    const res = await fetch(`${cp!.trafficUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'free money, click now' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-greenlight-color')).toBe(active);
    expect(res.headers.get('x-model-version')).toBe('v2');
  }, 60_000);
});

/** What a user sees of a router that is not there: refused, or cut off mid-request. */
const CONNECTION_ERRORS = ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'];
