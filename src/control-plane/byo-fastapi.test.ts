import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createClient } from '../cli/client.js';
import { freePort } from '../platform/local/free-port.js';
import { ROOT } from '../testing/cli.js';
import { DEBIAN_PYTHON, hasPythonModules, missing } from '../testing/requires.js';
import { isTerminalPhase } from './deployment-view.js';
import { stopDataPlane } from './down.js';
import { spawnUp, waitFor, waitForRolloutEnd } from './testing/scenario.js';
import { startTraffic } from './traffic.js';

/**
 * The FastAPI + scikit-learn example (examples/byo-fastapi) end to end, with real processes:
 * `greenlight up`, its router, and the user's own server started through `command`. v1 is
 * bootstrapped, v2 rolled out, switched to and rolled back, all under steady user traffic.
 */
const EXAMPLE = join(ROOT, 'examples', 'byo-fastapi');
const NO_PYTHON = missing(
  hasPythonModules('fastapi', 'uvicorn', 'sklearn'),
  'the FastAPI + scikit-learn example (examples/byo-fastapi)',
  'apt-get install python3-fastapi python3-uvicorn python3-sklearn',
);

let dir: string;
let up: ChildProcess | undefined;
let ports: { api: number; traffic: number };

/** The example's spec as written, with only what a test must change (and says why). */
function testSpec(): string {
  const doc = parse(readFileSync(join(EXAMPLE, 'spec.yaml'), 'utf8'));
  for (const c of ['blue', 'green']) doc.spec[c].cwd = EXAMPLE;
  doc.spec.validation.samples = join(EXAMPLE, 'samples.jsonl');
  doc.spec.autoSwitch.switchDelaySeconds = 0;
  // Long enough to roll back by hand while observing.
  doc.spec.observation.window = '5m';
  doc.spec.observation.intervalSeconds = 0.5;
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

function bodies(): string[] {
  return readFileSync(join(EXAMPLE, 'samples.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.stringify({ features: (JSON.parse(l) as { input: number[] }).input }));
}

async function startUp(): Promise<ChildProcess> {
  const args = ['--data-dir', join(dir, 'data'), '--port', String(ports.api)];
  args.push('--traffic-port', String(ports.traffic), '--router-admin-port', String(await freePort()));
  return (await spawnUp([...args, '--admin-token', 'tok'])).child;
}

describe.skipIf(NO_PYTHON)('bring your own model server: the FastAPI example', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-byo-'));
    ports = { api: await freePort(), traffic: await freePort() };
    up = await startUp();
  }, 60_000);

  afterAll(async () => {
    if (up && up.exitCode === null) {
      const exited = new Promise((r) => up!.once('exit', r));
      up.kill('SIGTERM');
      await exited;
    }
    await stopDataPlane(join(dir, 'data'));
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the samples file is what make_samples.py writes from the dataset', () => {
    const made = execFileSync(DEBIAN_PYTHON, ['make_samples.py'], {
      cwd: EXAMPLE,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    });
    expect(made).toBe(readFileSync(join(EXAMPLE, 'samples.jsonl'), 'utf8'));
  });

  it('deploys v1, rolls out v2 through `command`, switches and rolls back with no failed user request', async () => {
    const c = createClient({ url: `http://127.0.0.1:${ports.api}`, token: 'tok' });
    await c.post('/api/deployments', { path: testSpec() });
    await waitFor(c, 'tumour-classifier', (v) => v.activeColor === 'blue');
    const traffic = startTraffic({
      url: `http://127.0.0.1:${ports.traffic}`,
      path: '/v1/predict',
      texts: [],
      bodies: bodies(),
      ratePerSecond: 20,
    });
    try {
      // The candidate's rollout, once it is observing or has ended some other way (then say why).
      const observing = await waitFor(
        c,
        'tumour-classifier',
        (v) => v.rollout?.candidate === 'green' && (v.phase === 'Observing' || isTerminalPhase(v.phase)),
      );
      expect(observing.phase, observing.rollout?.reason ?? '').toBe('Observing');
      expect(observing.activeColor).toBe('green');
      // Proven before the switch: every gate read the app's own JSON through the spec's mapping.
      const gates = Object.fromEntries(observing.rollout!.gateResults.map((g) => [g.gate, g.status]));
      expect(gates).toEqual({
        health: 'passed',
        agreement: 'passed',
        schema: 'passed',
        distribution: 'passed',
        latency: 'passed',
        resources: 'passed',
      });
      // Users reach v2 through the router before anyone rolls back.
      await waitUntil(() => (traffic.stats().byVersion.v2 ?? 0) >= 20);
      await c.post('/api/deployments/tumour-classifier/rollback', { reason: 'e2e: roll back under traffic' });
      const back = await waitForRolloutEnd(c, 'tumour-classifier', observing.rollout!.id - 1);
      expect(back.phase).toBe('RolledBack');
      expect(back.activeColor).toBe('blue');
      const afterBack = traffic.stats().byVersion.v1 ?? 0;
      await waitUntil(() => (traffic.stats().byVersion.v1 ?? 0) >= afterBack + 20);
    } finally {
      const stats = await traffic.stop();
      expect(stats.failures).toEqual([]);
      expect(stats.failed).toBe(0);
      expect(Object.keys(stats.byVersion).sort()).toEqual(['v1', 'v2']);
    }
    expect((await c.get<{ ok: boolean }>('/api/audit/verify')).ok).toBe(true);
  }, 240_000);
});

/** Poll until `cond` holds (bounded): waits on what users saw, not on a fixed time. */
async function waitUntil(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
