import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColorSpec } from '../../spec/types.js';
import { ROOT } from '../../testing/cli.js';
import type { Platform } from '../types.js';
import { createLocalPlatform } from './local-platform.js';
import { probe } from './probe.js';
import { isAlive } from './proc.js';
import { memoryMetaStore } from './testing/memory-meta-store.js';
import { STAND_IN, standInCommand } from './testing/stand-in.js';

let dir: string;
const store = memoryMetaStore();
let platform: Platform;
const seen = new Set<number>();

function colorSpec(version: string, replicas: number, model = join(dir, `${version}.onnx`)): ColorSpec {
  return { deploymentName: `spam-${version}`, replicas, modelVersion: version, model, enabled: true };
}

async function pidsOf(p: Platform, color: 'blue' | 'green') {
  const s = await p.status('spam', color);
  for (const r of s.replicas) seen.add(r.pid!);
  return s.replicas.map((r) => r.pid!);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-local-'));
  for (const v of ['v1', 'v2']) writeFileSync(join(dir, `${v}.onnx`), 'model bytes');
  writeFileSync(join(dir, 'bad.onnx'), 'corrupt: truncated');
  platform = createLocalPlatform({ store, dataDir: dir, serverCommand: standInCommand, readyWaitMs: 20_000 });
});

afterAll(async () => {
  await platform.teardown('spam', 'blue', 2);
  await platform.teardown('spam', 'green', 2);
  for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('local platform', () => {
  it('starts replicas as processes on their own ports, waits until they are ready', async () => {
    const state = await platform.deploy('spam', 'blue', colorSpec('v1', 2));
    expect(state.readyReplicas).toBe(2);
    expect(state.modelVersion).toBe('v1');
    expect(new Set(state.replicas.map((r) => r.url)).size).toBe(2);
    for (const r of state.replicas) {
      seen.add(r.pid!);
      const res = await probe(`${r.url}/health`);
      expect(res?.headers['x-model-version']).toBe('v1');
    }
  });

  it('is idempotent: deploying the same spec again keeps the same processes', async () => {
    const before = await pidsOf(platform, 'blue');
    const state = await platform.deploy('spam', 'blue', colorSpec('v1', 2));
    expect(state.replicas.map((r) => r.pid)).toEqual(before);
  });

  it('a restarted control plane adopts the running replicas instead of starting duplicates', async () => {
    const before = await pidsOf(platform, 'blue');
    const again = createLocalPlatform({ store, dataDir: dir, serverCommand: standInCommand });
    const status = await again.status('spam', 'blue');
    expect(status.replicas.map((r) => r.pid)).toEqual(before);
    expect(status.readyReplicas).toBe(2);
    const deployed = await again.deploy('spam', 'blue', colorSpec('v1', 2));
    expect(deployed.replicas.map((r) => r.pid)).toEqual(before);
  });

  it('reads memory and CPU of a color from /proc', async () => {
    const usage = await platform.resources('spam', 'blue', 200);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage.cpuPercent).toBeGreaterThanOrEqual(0);
    const none = await platform.resources('spam', 'green', 50);
    expect(none).toEqual({ rssBytes: 0, cpuPercent: 0 });
  });

  it('reports a replica that died, and deploy replaces it', async () => {
    const [victim, survivor] = await pidsOf(platform, 'blue');
    process.kill(victim, 'SIGKILL');
    for (let i = 0; i < 100 && isAlive(victim); i++) await new Promise((r) => setTimeout(r, 20));
    const hurt = await platform.status('spam', 'blue');
    expect(hurt.readyReplicas).toBe(1);
    expect(hurt.replicas.map((r) => r.pid)).toEqual([survivor]);
    expect(hurt.problems?.[0]).toMatch(/^blue-0 exited/);
    const healed = await platform.deploy('spam', 'blue', colorSpec('v1', 2));
    expect(healed.readyReplicas).toBe(2);
    expect(healed.replicas.map((r) => r.pid)).toContain(survivor);
    await pidsOf(platform, 'blue');
  });

  it('a model that cannot load never becomes ready, and the reason is reported', async () => {
    const state = await platform.deploy('spam', 'green', colorSpec('v9', 1, join(dir, 'bad.onnx')));
    expect(state.readyReplicas).toBe(0);
    expect(state.replicas).toEqual([]);
    expect(state.problems?.join('\n')).toContain('cannot load model');
  });

  it('a new version in a color replaces the old processes', async () => {
    const state = await platform.deploy('spam', 'green', colorSpec('v2', 1));
    await pidsOf(platform, 'green');
    expect(state.readyReplicas).toBe(1);
    expect(state.modelVersion).toBe('v2');
    const next = await platform.deploy('spam', 'green', colorSpec('v1', 1));
    expect(next.modelVersion).toBe('v1');
    expect(next.replicas[0].pid).not.toBe(state.replicas[0].pid);
    expect(isAlive(state.replicas[0].pid!)).toBe(false);
    await pidsOf(platform, 'green');
  });

  it('teardown stops every replica of the color and is idempotent', async () => {
    const pids = await pidsOf(platform, 'green');
    await platform.teardown('spam', 'green', 5);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    await platform.teardown('spam', 'green', 5);
    expect(await platform.status('spam', 'green')).toEqual({
      color: 'green',
      replicas: [],
      readyReplicas: 0,
    });
    expect((await platform.status('spam', 'blue')).readyReplicas).toBe(2);
  });

  it('replicas keep serving when the process that started them is killed', async () => {
    const code = `
      const { createLocalPlatform } = await import(${JSON.stringify(`${ROOT}dist/src/platform/local/local-platform.js`)});
      const { memoryMetaStore } = await import(${JSON.stringify(`${ROOT}dist/src/platform/local/testing/memory-meta-store.js`)});
      const p = createLocalPlatform({ store: memoryMetaStore(), dataDir: ${JSON.stringify(dir)},
        serverCommand: (a) => ({ command: process.execPath, args: [${JSON.stringify(STAND_IN)}, ...a] }) });
      const s = await p.deploy('other', 'blue', { deploymentName: 'o', replicas: 1, modelVersion: 'v1',
        model: ${JSON.stringify(join(dir, 'v1.onnx'))}, enabled: true });
      console.log(JSON.stringify(s.replicas[0]));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      parent.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
    });
    const replica = JSON.parse(line) as { url: string; pid: number };
    seen.add(replica.pid);
    parent.kill('SIGKILL');
    await new Promise((r) => parent.on('exit', r));
    expect((await probe(`${replica.url}/ready`))?.status).toBe(200);
    expect(isAlive(replica.pid)).toBe(true);
  });
});
