import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { isAlive } from '../platform/local/proc.js';
import type { ColorRecord } from '../platform/local/replica-record.js';
import { openStore } from '../store/sqlite-store.js';
import { ensureModels } from '../testing/models.js';
import type { DeploymentView } from './deployment-view.js';
import { stopDataPlane } from './down.js';
import { spawnUp, waitFor, waitForRolloutEnd, writeTestSpec } from './testing/scenario.js';
import { readSampleTexts, startTraffic, type Traffic, type TrafficStats } from './traffic.js';

/**
 * The promises users care about, with real processes: `greenlight up` (control plane), the router
 * and model servers it starts, and steady traffic through the router the whole time.
 */
let dir: string;
let models: string;
let args: string[];
let up: ChildProcess | undefined;
let upLog = () => '';
let traffic: Traffic;
const client = () => createClient({ url: `http://127.0.0.1:${args[3]}`, token: 'tok' });
const MAX_IN_FLIGHT = 8;

async function startUp(extra: string[] = []): Promise<ChildProcess> {
  const started = await spawnUp([...args, ...extra]);
  upLog = started.output;
  return started.child;
}

async function stopUp(signal: NodeJS.Signals): Promise<void> {
  const child = up;
  up = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

function since(before: TrafficStats): TrafficStats {
  const now = traffic.stats();
  return { ...now, sent: now.sent - before.sent, ok: now.ok - before.ok, failed: now.failed - before.failed };
}

/** What the local platform recorded for a color (the test reads the store like an operator could). */
function replicasOf(color: string): ColorRecord | undefined {
  const store = openStore(join(dir, 'data', 'greenlight.db'));
  try {
    return store.getMeta<ColorRecord>(`local-platform/spam/${color}`) ?? undefined;
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  models = await ensureModels();
  dir = mkdtempSync(join(tmpdir(), 'gl-rel-'));
  const [port, traffic, admin] = [await freePort(), await freePort(), await freePort()];
  args = ['--data-dir', join(dir, 'data'), '--port', String(port), '--traffic-port', String(traffic)];
  args.push('--router-admin-port', String(admin), '--admin-token', 'tok');
  up = await startUp();
});

afterAll(async () => {
  await traffic?.stop();
  await stopUp('SIGKILL');
  // Whatever a failed test left running: every process recorded in the data dir.
  await stopDataPlane(join(dir, 'data'));
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('reliability under continuous load', () => {
  it('a rollout, a rollback and a second rollout fail no user request, even with the control plane SIGKILLed mid-rollout', async () => {
    const c = client();
    await c.post('/api/deployments', {
      path: writeTestSpec(dir, 'a.yaml', {
        blue: ['v1', 'spam-v1.onnx'],
        green: ['v2', 'spam-v2.onnx'],
        models,
      }),
    });
    await waitFor(c, 'spam', (v) => v.activeColor === 'blue');
    traffic = startTraffic({
      url: `http://127.0.0.1:${args[5]}`,
      texts: readSampleTexts(join(models, 'samples.jsonl')),
      ratePerSecond: 25,
      maxInFlight: MAX_IN_FLIGHT,
    });

    // 1. v1 -> v2, with the control plane killed while the candidate is being validated.
    const mid = await waitFor(
      c,
      'spam',
      (v) => v.rollout?.candidate === 'green' && ['WarmingUp', 'Validating'].includes(v.phase),
    );
    await stopUp('SIGKILL');
    expect(traffic.stats().failed).toBe(0);
    up = await startUp();
    const first = await waitForRolloutEnd(c, 'spam', mid.rollout!.id - 1);
    expect(first.phase, first.rollout?.reason ?? '').toBe('Complete');
    expect(first.activeColor).toBe('green');
    const routerSwitches = (
      await c.get<{ records: { kind: string }[] }>('/api/audit?deployment=spam')
    ).records.filter((r) => r.kind === 'switch');
    expect(routerSwitches.length).toBe(2); // bootstrap + this one: no double switch after the restart

    // 2. a candidate that is switched to, then rolled back by an operator during observation.
    await c.post('/api/deployments', {
      path: writeTestSpec(dir, 'b.yaml', {
        blue: ['v1b', 'spam-v1.onnx'],
        green: ['v2', 'spam-v2.onnx'],
        models,
        window: '5m',
      }),
    });
    const observing = await waitFor(
      c,
      'spam',
      (v) => v.phase === 'Observing' && v.rollout!.id > first.rollout!.id,
    );
    expect(observing.activeColor).toBe('blue');
    await c.post('/api/deployments/spam/rollback', { reason: 'operator test' });
    const back = await waitForRolloutEnd(c, 'spam', first.rollout!.id);
    expect(back.phase).toBe('RolledBack');
    expect(back.activeColor).toBe('green');

    // 3. a second full rollout.
    await c.post('/api/deployments', {
      path: writeTestSpec(dir, 'c.yaml', {
        blue: ['v1c', 'spam-v1.onnx'],
        green: ['v2', 'spam-v2.onnx'],
        models,
      }),
    });
    const second = await waitForRolloutEnd(c, 'spam', back.rollout!.id);
    expect(second.phase, second.rollout?.reason ?? '').toBe('Complete');
    expect(second.activeColor).toBe('blue');

    const stats = traffic.stats();
    expect(stats.failures).toEqual([]);
    expect(Object.keys(stats.byVersion).sort()).toEqual(['v1', 'v1b', 'v1c', 'v2']);
    expect((await c.get<{ ok: boolean }>('/api/audit/verify')).ok).toBe(true);
  }, 400_000);

  it('SIGKILL of one replica under load: users see at most the requests in flight on it', async () => {
    const active = (await client().get<DeploymentView>('/api/deployments/spam')).activeColor!;
    const [victim] = replicasOf(active)!.replicas;
    const before = traffic.stats();
    process.kill(victim.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 3_000));
    const after = since(before);
    expect(after.failed).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    const settled = traffic.stats();
    await new Promise((r) => setTimeout(r, 2_000));
    const later = since(settled);
    expect(later.ok).toBeGreaterThan(10);
    expect(later.failed).toBe(0);
    expect(isAlive(victim.pid)).toBe(false);
    // Between rollouts the control plane starts a replacement for the dead replica.
    let replicas = replicasOf(active)!.replicas;
    for (let i = 0; i < 100 && replicas.filter((r) => isAlive(r.pid)).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      replicas = replicasOf(active)!.replicas;
    }
    expect(replicas.filter((r) => isAlive(r.pid)).length).toBe(2);
    expect(replicas.map((r) => r.pid)).not.toContain(victim.pid);
  }, 60_000);

  it('a truncated model file never becomes ready: the rollout fails, the active color keeps serving', async () => {
    const c = client();
    const bad = join(dir, 'truncated.onnx');
    writeFileSync(bad, readFileSync(join(models, 'spam-v2.onnx')).subarray(0, 4096));
    const now = await c.get<DeploymentView>('/api/deployments/spam');
    const before = traffic.stats();
    await c.post('/api/deployments', {
      path: writeTestSpec(dir, 'd.yaml', {
        blue: ['v1c', 'spam-v1.onnx'],
        green: ['v-bad', bad],
        models,
        readyTimeout: '6s',
      }),
    });
    const end = await waitForRolloutEnd(c, 'spam', now.rollout!.id);
    expect(end.phase).toBe('ValidationFailed');
    // The platform reports why the replicas died; the controller carries it into the rollout's reason.
    // …naming the command that died, then what its log says.
    const [, command, tail] =
      /cannot run: green-\d exited \((.*?)\): (.*)$/.exec(end.rollout!.reason ?? '') ?? [];
    expect(command).toMatch(/ serve --model \S*truncated\.onnx /);
    expect(tail).toMatch(/truncated\.onnx/);
    expect(end.activeColor).toBe(now.activeColor);
    const after = since(before);
    expect(after.failed).toBe(0);
    expect(after.byVersion['v-bad']).toBeUndefined();
    expect(replicasOf('green')).toBeUndefined();
  }, 120_000);

  it('SIGTERM stops the control plane only: users keep being served, and the next `up` adopts the data plane', async () => {
    const exited = new Promise<number | null>((r) => up!.once('exit', r));
    up!.kill('SIGTERM');
    expect(await exited).toBe(0);
    up = undefined;
    expect(upLog()).toContain('control plane stopped; the data plane keeps serving users');
    const before = traffic.stats();
    await new Promise((r) => setTimeout(r, 1_500));
    const during = since(before);
    expect(during.ok).toBeGreaterThan(5);
    expect(during.failed).toBe(0);
    up = await startUp();
    const health = await client().get<{ dataPlane: { adopted: boolean } }>('/health');
    expect(health.dataPlane.adopted).toBe(true);
  }, 60_000);

  it('`up --stop-data-plane` stops the router and every replica on SIGTERM: no orphans', async () => {
    await traffic.stop();
    await stopUp('SIGTERM');
    up = await startUp(['--stop-data-plane']);
    const store = openStore(join(dir, 'data', 'greenlight.db'));
    const router = store.getMeta<{ pid: number }>('data-plane/router')!;
    store.close();
    const pids = [
      router.pid,
      ...['blue', 'green'].flatMap((c) => replicasOf(c)?.replicas.map((r) => r.pid) ?? []),
    ];
    expect(pids.filter(isAlive).length).toBeGreaterThanOrEqual(2);
    const child = up!;
    const log: string[] = [];
    child.stdout!.on('data', (d) => log.push(String(d)));
    child.stderr!.on('data', (d) => log.push(String(d)));
    const closed = new Promise((r) => child.once('close', r));
    await stopUp('SIGTERM');
    await closed; // all of its output, for the message below
    const why = `up exited ${child.exitCode} (${child.signalCode}); its log:\n${log.join('')}`;
    expect(child.exitCode, why).toBe(0);
    // `up` waits for every stop it started; a process still exiting gets a short grace here.
    for (let i = 0; i < 50 && pids.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isAlive), why).toEqual([]);
  }, 60_000);
});
