import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolDefaults } from '../../spec/server.js';
import type { ColorSpec } from '../../spec/types.js';
import { platformSuite } from '../fake/platform.suite.js';
import type { Platform } from '../types.js';
import { createLocalPlatform } from './local-platform.js';
import { probe } from './probe.js';
import { isAlive, readCmdline } from './proc.js';
import { memoryMetaStore } from './testing/memory-meta-store.js';
import { OWN_READY, writeOwnServer } from './testing/own-server.js';

const READY = OWN_READY;

let dir: string;
let server = '';
const seen = new Set<number>();

function ownSlot(version: string, replicas: number, extra: Partial<ColorSpec> = {}): ColorSpec {
  return {
    deploymentName: `own-${version}`,
    replicas,
    modelVersion: version,
    enabled: true,
    // {port} only in the environment: adoption must not depend on it being in the argv.
    command: [process.execPath, server, '{version}'],
    env: { PORT: '{port}', SEED: 'seed-{version}' },
    cwd: join(dir, 'app'),
    server: { ...protocolDefaults('http-json'), health: { path: '/healthz', status: 200 }, readiness: READY },
    ...extra,
  };
}

function platformAt(readyWaitMs = 20_000): Platform {
  return createLocalPlatform({ store, dataDir: dir, readyWaitMs });
}

const store = memoryMetaStore();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-own-'));
  mkdirSync(join(dir, 'app'));
  server = writeOwnServer(dir);
});

afterAll(async () => {
  const p = platformAt();
  for (const d of ['own', 'bad', 'slow'])
    for (const c of ['blue', 'green'] as const) await p.teardown(d, c, 2);
  for (const pid of seen) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('local platform: slots that run the user’s own command', () => {
  it('runs the command with {port} and {version} substituted, its env over ours and its cwd; ready by its own rule', async () => {
    const p = platformAt();
    const state = await p.deploy('own', 'blue', ownSlot('v1', 2));
    expect(state.readyReplicas).toBe(2);
    for (const r of state.replicas) {
      seen.add(r.pid!);
      const who = JSON.parse((await probe(`${r.url}/whoami`))!.body);
      expect(who).toEqual({ cwd: join(dir, 'app'), seed: 'seed-v1', version: 'v1' });
      expect(readCmdline(r.pid!)).not.toContain(r.url.split(':').pop());
    }
  });

  it('a restarted control plane adopts the replicas by pid and start time, without the port in the argv', async () => {
    const before = (await platformAt().status('own', 'blue')).replicas.map((r) => r.pid);
    const again = platformAt();
    const deployed = await again.deploy('own', 'blue', ownSlot('v1', 2));
    expect(deployed.replicas.map((r) => r.pid)).toEqual(before);
    expect(deployed.readyReplicas).toBe(2);
  });

  it('a changed command or env is a new deployment of the slot, even with the same version', async () => {
    const p = platformAt();
    const before = (await p.status('own', 'blue')).replicas.map((r) => r.pid!);
    const next = await p.deploy('own', 'blue', ownSlot('v1', 2, { env: { PORT: '{port}', SEED: 'other' } }));
    expect(next.readyReplicas).toBe(2);
    for (const pid of before) expect(isAlive(pid)).toBe(false);
    for (const r of next.replicas) seen.add(r.pid!);
  });

  it('reads memory and CPU of the command’s processes', async () => {
    const usage = await platformAt().resources('own', 'blue', 100);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('a command that exits at once: no replica, and the problem names the command, its log and its exit', async () => {
    const crash = ownSlot('v2', 1, {
      command: [process.execPath, '-e', 'console.error("cannot load weights.pkl"); process.exit(3)'],
    });
    const state = await platformAt().deploy('bad', 'green', crash);
    expect(state.replicas).toEqual([]);
    expect(state.readyReplicas).toBe(0);
    const problem = state.problems?.join('\n') ?? '';
    expect(problem).toContain(`green-0 exited (${process.execPath} -e`);
    expect(problem).toContain('cannot load weights.pkl');
    expect(problem).toContain('exited with code 3');
  });

  it('a program that cannot be started at all is the slot’s fault, named', async () => {
    const missing = ownSlot('v2', 1, { command: ['/nonexistent/serve-model', '--port', '{port}'] });
    await expect(platformAt().deploy('bad', 'blue', missing)).rejects.toMatchObject({
      code: 'GL_PLATFORM_SPEC',
      message: expect.stringMatching(/cannot start \/nonexistent\/serve-model --port \d+ in .*: ENOENT/),
    });
  });

  it('a server that never passes its readiness rule stays alive and unready, with the rule and its last answer', async () => {
    const never = ownSlot('v3', 1, { env: { PORT: '{port}', READY_AFTER_MS: '-1' } });
    const state = await platformAt(600).deploy('slow', 'green', never);
    for (const r of state.replicas) seen.add(r.pid!);
    expect(state.replicas).toHaveLength(1);
    expect(state.readyReplicas).toBe(0);
    expect(state.problems).toEqual([
      'green-0 not ready: GET /status answers 200 with state = "ok"; answered 200 {"state":"loading","version":"v3"}; state is "loading" (expected "ok")',
    ]);
  });
});

// The Platform contract, run against the local platform with command slots (STYLE.md §5).
platformSuite('local, command slots', async () => {
  const d = mkdtempSync(join(tmpdir(), 'gl-own-suite-'));
  const serverFile = writeOwnServer(d);
  const platform = createLocalPlatform({ store: memoryMetaStore(), dataDir: d, readyWaitMs: 20_000 });
  return {
    platform,
    colorSpec: (color, version, replicas) => ({
      deploymentName: `suite-${color}`,
      replicas,
      modelVersion: version,
      enabled: true,
      command: [process.execPath, serverFile, '{version}'],
      env: { PORT: '{port}' },
      server: { ...protocolDefaults('http-json'), readiness: READY },
    }),
    close: async () => {
      for (const c of ['blue', 'green'] as const) await platform.teardown('suite', c, 2);
      rmSync(d, { recursive: true, force: true });
    },
  };
});
