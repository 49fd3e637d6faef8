import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentSpec } from '../spec/types.js';
import { openStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { failedGateData } from '../testing/audit-fixtures.js';
import { runCli, spawnCli } from '../testing/cli.js';
import { createApiHandler } from './api.js';
import { loadLocalSpec, parseLocalSpec } from './spec-io.js';

let dir: string;
let store: Store;
let server: Server;
let env: NodeJS.ProcessEnv;

const SPEC = `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata:
  name: spam
spec:
  blue: { deploymentName: b, replicas: 1, modelVersion: "v1", model: ./v1.onnx }
  green: { deploymentName: g, replicas: 1, modelVersion: "v2", model: ./v2.onnx, enabled: true }
  validation: { enabled: false }
`;

const cli = (args: string[]) => runCli(args, { env, timeoutMs: 30_000 });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gl-cli-'));
  for (const f of ['v1.onnx', 'v2.onnx']) writeFileSync(join(dir, f), 'x');
  writeFileSync(join(dir, 'spam.yaml'), SPEC);
  writeFileSync(
    join(dir, 'bad.yaml'),
    SPEC.replace('replicas: 1, modelVersion: "v1"', 'replicas: two, modelVersion: "v1"').replace(
      'name: spam',
      'name: ""',
    ),
  );
  store = openStore(join(dir, 'greenlight.db'));
  const tokens = { byName: new Map([['carol', 'tok-c']]) };
  server = createServer(
    createApiHandler({ store, tokens, parseSpec: parseLocalSpec, loadSpec: loadLocalSpec }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = { ...process.env, GREENLIGHT_URL: url, GREENLIGHT_ADMIN_TOKEN: 'tok-c', GREENLIGHT_DATA_DIR: dir };
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Plays the controller's part: what the CLI shows is what the store says. */
function fakeRollout(phase: string, reason: string | null = null) {
  const spec = store.pendingIntents('spam')[0]?.payload.spec as DeploymentSpec;
  return store.transaction(() => {
    for (const i of store.pendingIntents('spam')) store.consumeIntent(i.id);
    const d = store.putDeployment({
      name: 'spam',
      spec,
      activeColor: 'blue',
      versions: { blue: 'v1', green: 'v2' },
      generation: 1,
      currentRolloutId: null,
    });
    const r = store.insertRollout({
      deployment: 'spam',
      phase: 'Pending',
      baseline: 'blue',
      candidate: 'green',
      baselineVersion: 'v1',
      candidateVersion: 'v2',
      spec: d.spec,
      context: {},
      gateResults: [],
      reason: null,
    });
    store.putDeployment({ ...d, currentRolloutId: r.id });
    return {
      id: r.id,
      end: () =>
        store.updateRollout(r.id, { phase, reason, endedAt: Date.now(), context: { finalized: true } }),
    };
  });
}

describe('operator CLI against the API', () => {
  it('deploy prints every problem of a bad spec and exits 2 without calling the API', async () => {
    const res = await cli(['deploy', join(dir, 'bad.yaml')]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('spec.blue.replicas');
    expect(res.stderr).toContain('metadata.name');
    expect(store.pendingIntents()).toEqual([]);
  });

  it('deploy --detach records the apply intent and returns', async () => {
    const res = await cli(['deploy', join(dir, 'spam.yaml'), '--detach']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('applied spam');
    const [intent] = store.pendingIntents('spam');
    expect(intent).toMatchObject({ kind: 'apply', actor: 'carol' });
    expect((intent.payload.spec as DeploymentSpec).blue.model).toBe(join(dir, 'v1.onnx'));
  });

  it('status shows a pending apply, then the rollout; --json gives the view', async () => {
    const pending = await cli(['status']);
    expect(pending.stdout).toMatch(/spam\s+-\s+-\s+-\s+Pending/);
    const r = fakeRollout('RolledBack', 'green error ratio 0.2 > 0.01 for 60s');
    r.end();
    const one = await cli(['status', 'spam']);
    expect(one.stdout).toContain(`rollout #${r.id}    RolledBack (green error ratio 0.2 > 0.01 for 60s)`);
    const json = JSON.parse((await cli(['status', 'spam', '--json'])).stdout);
    expect(json).toMatchObject({ name: 'spam', activeColor: 'blue', phase: 'RolledBack' });
    const hist = JSON.parse((await cli(['history', 'spam', '--json'])).stdout);
    expect(hist.rollouts[0]).toMatchObject({ id: r.id, phase: 'RolledBack' });
    expect((await cli(['history', 'spam'])).stdout).toContain('v1 (blue)');
  });

  it('promote, rollback and abort record intents with who and why; unknown names fail', async () => {
    const res = await cli(['rollback', 'spam', '--reason', 'latency']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('rollback of spam requested');
    expect(store.pendingIntents('spam').at(-1)).toMatchObject({
      kind: 'rollback',
      actor: 'carol',
      reason: 'latency',
    });
    const missing = await cli(['promote', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no deployment named "nope"');
    const unauth = await runCli(['abort', 'spam'], { env: { ...env, GREENLIGHT_ADMIN_TOKEN: 'wrong' } });
    expect(unauth.code).toBe(2);
    expect(unauth.stderr).toContain('GL_UNAUTHORIZED');
  });

  it('deploy follows the rollout to its end and its exit code says how it ended', async () => {
    for (const i of store.pendingIntents('spam')) store.consumeIntent(i.id);
    const child = spawnCli(['deploy', join(dir, 'spam.yaml')], { env });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 0; i < 600 && store.pendingIntents('spam').length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    const r = fakeRollout('ValidationFailed', 'agreement 0.81 < 0.95');
    store.appendAudit({
      deployment: 'spam',
      rolloutId: r.id,
      kind: 'gate',
      actor: 'controller',
      data: failedGateData('agreement', 'agreement 0.81 < 0.95'),
    });
    r.end();
    expect(await exited).toBe(1);
    expect(out).toContain('gate failed       agreement    agreement 0.81 < 0.95');
    expect(out).toContain(`rollout #${r.id} of spam ended ValidationFailed: agreement 0.81 < 0.95`);
  });

  it('status --watch --json prints a document per change until stopped', async () => {
    const child = spawnCli(['status', 'spam', '--watch', '--json'], { env });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
    });
    for (let i = 0; i < 300 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGINT');
    await exited;
    expect(JSON.parse(out.split('\n')[0])).toMatchObject({ name: 'spam', activeColor: 'blue' });
  });

  it('says plainly when the control plane is not there', async () => {
    const res = await runCli(['status'], { env: { ...env, GREENLIGHT_URL: 'http://127.0.0.1:1' } });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('cannot reach the control plane at http://127.0.0.1:1');
  });
});
