import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { writeOwnServer } from '../platform/local/testing/own-server.js';
import { stopDataPlane } from './down.js';
import { type LocalControlPlane, startLocalControlPlane } from './local.js';
import { waitFor, waitForRolloutEnd } from './testing/scenario.js';
import { startTraffic } from './traffic.js';

/**
 * A candidate whose own server cannot run is rejected with the reason a user needs, and the
 * active slot never notices: a command that exits at once, and one that never passes its
 * readiness rule. Real control plane, router and processes; tiny node servers as the commands.
 */
let dir: string;
let server: string;
let cp: LocalControlPlane | undefined;

function spec(file: string, green: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata: { name: own }
spec:
  server:
    protocol: http-json
    health: { path: /healthz }
    readiness: { path: /status, jsonField: state, equals: ok }
    request: { path: /predict }
    response: { label: label }
  readyTimeoutSeconds: 3
  warmupRequests: 0
  blue:
    replicas: 1
    modelVersion: v1
    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(server)}, "{version}"]
    env: { PORT: "{port}" }
  green:
    replicas: 1
${green}
  validation: { enabled: false }
  autoSwitch: { switchDelaySeconds: 0 }
  observation: { window: 1m }
`,
  );
  return path;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gl-cmd-fail-'));
  server = writeOwnServer(dir);
  const ports = { port: await freePort(), trafficPort: await freePort(), routerAdminPort: await freePort() };
  cp = await startLocalControlPlane({
    dataDir: join(dir, 'data'),
    ...ports,
    adminToken: 'tok',
    intervalMs: 200,
  });
});

afterAll(async () => {
  await cp?.close({ stopDataPlane: true });
  await stopDataPlane(join(dir, 'data'));
  rmSync(dir, { recursive: true, force: true });
});

describe('a candidate whose command cannot serve', () => {
  it('exits at once: ValidationFailed naming the command and its last log lines; blue untouched, users unaffected', async () => {
    const c = createClient({ url: cp!.url, token: 'tok' });
    const crash = `console.error("loading model.pkl"); console.error("FileNotFoundError: model.pkl"); process.exit(2)`;
    await c.post('/api/deployments', {
      path: spec(
        'crash.yaml',
        `    modelVersion: v2\n    command: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(crash)}]`,
      ),
    });
    await waitFor(c, 'own', (v) => v.activeColor === 'blue');
    const bluePids = (await cp!.platform.status('own', 'blue')).replicas.map((r) => r.pid);
    const traffic = startTraffic({ url: cp!.trafficUrl, path: '/predict', texts: [], bodies: ['{}'] });
    try {
      const done = await waitFor(
        c,
        'own',
        (v) => v.rollout?.candidate === 'green' && v.phase === 'ValidationFailed',
      );
      const reason = done.rollout?.reason ?? '';
      expect(reason).toMatch(/^green \(v2\) cannot run: green-0 exited \(.*node -e /);
      expect(reason).toContain('FileNotFoundError: model.pkl');
      expect(reason).toContain('exited with code 2');
      expect(done.activeColor).toBe('blue');
      expect((await cp!.platform.status('own', 'blue')).replicas.map((r) => r.pid)).toEqual(bluePids);
      // Users are still served by blue after the rejection (the rollout itself can be over in
      // less time than the first request takes on a loaded machine).
      for (let i = 0; i < 200 && traffic.stats().ok < 10; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      const stats = await traffic.stop();
      expect(stats.failures).toEqual([]);
      expect(stats.ok).toBeGreaterThanOrEqual(10);
      expect(stats.byVersion).toEqual({ unknown: stats.ok });
      expect(stats.byColor).toEqual({ blue: stats.ok });
    }
  }, 60_000);

  it('never ready: ValidationFailed naming the readiness rule and what the server answered last', async () => {
    const c = createClient({ url: cp!.url, token: 'tok' });
    const before = await waitFor(c, 'own', (v) => v.phase === 'ValidationFailed');
    await c.post('/api/deployments', {
      path: spec(
        'never.yaml',
        `    modelVersion: v3\n    command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(server)}, "{version}"]\n    env: { PORT: "{port}", READY_AFTER_MS: "-1" }`,
      ),
    });
    const done = await waitForRolloutEnd(c, 'own', before.rollout!.id);
    expect(done.phase).toBe('ValidationFailed');
    expect(done.rollout?.reason).toBe(
      'green (v3): 0 of 1 replicas ready after 3s: green-0 not ready: GET /status answers 200 with state = "ok"; answered 200 {"state":"loading","version":"v3"}; state is "loading" (expected "ok")',
    );
    expect(done.activeColor).toBe('blue');
    expect((await cp!.platform.status('own', 'green')).replicas).toEqual([]);
  }, 60_000);
});
