import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../testing/cli.js';
import { DEBIAN_PYTHON, hasCommand, hasPythonModules, missing } from '../../../testing/requires.js';
import { type EmulatedCluster, startEmulatedCluster, widgetCrd } from './harness.js';

const available =
  !missing(hasCommand('openssl'), 'emulated API server tests (TLS)', 'apt-get install openssl') &&
  !missing(
    hasPythonModules('kubernetes'),
    "the Python client's checks of the emulated API server",
    'apt-get install python3-kubernetes',
  );

const SCRIPT = join(ROOT, 'src/platform/kubernetes/testing/python-client-check.py');

/**
 * Debian's Python client (python3-kubernetes) lists and watches on the emulated API server: a second
 * real client, written independently of client-node, that must agree with it.
 */
describe.skipIf(!available)('the Python Kubernetes client against the emulated API server', () => {
  let cluster: EmulatedCluster;
  let kc: KubeConfig;
  beforeAll(async () => {
    // a short history, so that by the end resourceVersion 1 is compacted away
    cluster = await startEmulatedCluster({ historySize: 5 });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('lists with a label selector, watches from the list resourceVersion, reads custom objects, and gets 410 for a compacted resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const cm = (name: string, app = 'model') =>
      core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels: { app } } } });
    await cm('first');
    await cm('other', 'web');
    await KubernetesObjectApi.makeApiClient(kc).create(widgetCrd() as never);
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'test.greenlight.dev',
      version: 'v1',
      namespace: 'default',
      plural: 'widgets',
      body: {
        apiVersion: 'test.greenlight.dev/v1',
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 3 },
      },
    });

    const py = spawn(DEBIAN_PYTHON, [SCRIPT, cluster.kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    py.stderr.on('data', (d) => {
      stderr += d;
    });
    const lines: Record<string, unknown>[] = [];
    const exited = new Promise<number | null>((resolve) => py.on('close', resolve));
    const rl = createInterface({ input: py.stdout });
    const listed = new Promise<void>((resolve) => {
      rl.on('line', (l) => {
        lines.push(JSON.parse(l));
        if (lines.length === 1) resolve();
      });
    });
    await listed;
    // after the list: the watch from its resourceVersion must see these, whenever it connects
    await core.patchNamespacedConfigMap(
      { name: 'first', namespace: 'default', body: { data: { k: 'v' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'first', namespace: 'default' });
    await cm('last');
    expect(await exited, stderr).toBe(0);

    expect(lines[0]).toMatchObject({ list: ['first'], rv: String(cluster.server.store.resourceVersion - 3) });
    const events = lines.filter((l) => 'event' in l).map((l) => [l.event, l.name]);
    expect(events).toEqual([
      ['MODIFIED', 'first'],
      ['DELETED', 'first'],
      ['ADDED', 'last'],
    ]);
    expect(lines.find((l) => 'widgets' in l)).toEqual({ widgets: [['w1', 3]] });
    expect(lines.find((l) => 'gone' in l)).toMatchObject({ gone: 410 });
  });
});
