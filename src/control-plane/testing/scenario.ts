import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlaneClient } from '../../cli/client.js';
import { spawnCli } from '../../testing/cli.js';
import type { DeploymentView } from '../deployment-view.js';
import { rolloutEnded } from '../follow.js';

/** A small, fast spec for tests: short windows, few samples; `blue`/`green` are [version, model file]. */
export function writeTestSpec(
  dir: string,
  file: string,
  o: {
    blue: [string, string];
    green: [string, string];
    models: string;
    window?: string;
    readyTimeout?: string;
    extra?: string;
  },
): string {
  const path = join(dir, file);
  // Absolute model paths let one spec name files in the models cache and a test's own directory.
  const m = (f: string) => (f.startsWith('/') ? f : join(o.models, f));
  writeFileSync(
    path,
    `apiVersion: mlops.greenlight.dev/v1alpha1
kind: BlueGreenDeployment
metadata:
  name: spam
spec:
  readyTimeoutSeconds: ${o.readyTimeout ?? '40s'}
  warmupRequests: 3
  blue: { replicas: 2, modelVersion: "${o.blue[0]}", model: ${m(o.blue[1])} }
  green: { replicas: 2, modelVersion: "${o.green[0]}", model: ${m(o.green[1])} }
  validation:
    samples: ${m('samples.jsonl')}
    source: samples
    gates: [health, schema, agreement, latency, resources]
    shadowTrafficSampleSize: 60
    # html is a fifth of the samples: 12 of 60 pairs, so a slice minimum of 20 would hold every pass
    minSliceSamples: 10
    agreementThreshold: 0.8
    healthCheckWaitSeconds: 1
    healthCheckRetries: 3
    latency: { concurrency: 2, durationSeconds: 1, warmupRequests: 5, maxRegressionRatio: 5 }
    resources: { maxRatioToBlue: 5 }
    timeoutSeconds: 60
  autoSwitch: { enabled: true, switchDelaySeconds: 0 }
  observation: { window: ${o.window ?? '2s'}, intervalSeconds: 0.5 }
  teardown: { drainTimeoutSeconds: 5, stopTimeoutSeconds: 5 }
${o.extra ?? ''}`,
  );
  return path;
}

/** Poll a deployment until `until(view)` holds; bounded. */
export async function waitFor(
  client: ControlPlaneClient,
  name: string,
  until: (v: DeploymentView) => boolean,
  timeoutMs = 120_000,
): Promise<DeploymentView> {
  const end = Date.now() + timeoutMs;
  let last: DeploymentView | undefined;
  while (Date.now() < end) {
    try {
      last = await client.get<DeploymentView>(`/api/deployments/${name}`);
      if (until(last)) return last;
    } catch {
      // not there yet, or the control plane is restarting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out waiting on ${name}; last seen ${JSON.stringify(last?.rollout ? { phase: last.phase, reason: last.rollout.reason, ctx: last.rollout.context } : last)}`,
  );
}

/** Wait for the end of rollout with id > `after` (skipping a bootstrap that chains into a candidate). */
export function waitForRolloutEnd(
  client: ControlPlaneClient,
  name: string,
  after: number,
  timeoutMs?: number,
) {
  return waitFor(
    client,
    name,
    (v) => v.rollout !== null && v.rollout.id > after && rolloutEnded(v),
    timeoutMs,
  );
}

/**
 * `greenlight up ARGS` as a real child process, resolved once it serves its API. `output()` is
 * what it has written since then (stdout and stderr).
 */
export async function spawnUp(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawnCli(['up', ...args]);
  let text = '';
  let startedAt = -1;
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d;
      if (startedAt < 0 && text.includes('control plane on http')) {
        startedAt = text.length;
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      if (startedAt < 0) reject(new Error(`greenlight up exited ${code}:\n${text.slice(-2000)}`));
    });
  });
  return { child, output: () => text.slice(startedAt) };
}
