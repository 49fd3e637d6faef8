/**
 * `npm run bench -- kube-emulation [--writes N] [--rounds R]`
 *
 * What the Kubernetes tests stand on, measured through the real client (client-node 1.x): writes
 * per second on the emulated API server (TLS, one connection pool), the delay from a write's
 * response to its watch event, and the time from the platform's deploy to two ready replicas on
 * the simulated node (real stand-in processes, 50 ms node loop). A test tool's speed, not a
 * cluster's: a real API server with etcd is slower per write.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createKubePlatform } from '../src/platform/kubernetes/kube-platform.js';
import { startEmulatedCluster } from '../src/platform/kubernetes/testing/harness.js';
import { SimulatedNode } from '../src/platform/kubernetes/testing/simulated-node.js';
import { recordWatch } from '../src/platform/kubernetes/testing/watch-recorder.js';
import { STAND_IN } from '../src/platform/local/testing/stand-in.js';

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const round = (x: number) => Math.round(x * 10) / 10;

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { writes: { type: 'string' }, rounds: { type: 'string' } } });
  const writes = Number(values.writes ?? 300);
  const rounds = Number(values.rounds ?? 3);
  const cluster = await startEmulatedCluster();
  const dir = mkdtempSync(join(tmpdir(), 'gl-bench-kube-'));
  const node = new SimulatedNode(cluster.server, (c, port) => {
    const a = [...(c.args ?? [])];
    a[a.indexOf('--port') + 1] = String(port);
    return { command: process.execPath, args: [STAND_IN, ...a] };
  });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    let t = performance.now();
    for (let i = 0; i < writes; i++)
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `c${i}` } } });
    const writesPerSecond = (writes / (performance.now() - t)) * 1000;

    const w = await recordWatch(kc, '/api/v1/namespaces/default/configmaps', {
      resourceVersion: String(cluster.server.store.resourceVersion),
    });
    const delays: number[] = [];
    for (let i = 0; i < writes; i++) {
      const name = `w${i}`;
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name } } });
      const after = performance.now();
      await w.until((e) => e.object.metadata?.name === name);
      delays.push(performance.now() - after);
    }
    w.abort();

    const model = join(dir, 'model.onnx');
    writeFileSync(model, 'stand-in');
    const platform = createKubePlatform({ kc, namespace: 'default' });
    const ready: number[] = [];
    for (let r = 0; r < rounds; r++) {
      t = performance.now();
      await platform.deploy('bench', 'blue', {
        deploymentName: 'bench-blue',
        replicas: 2,
        modelVersion: `v${r}`,
        image: 'stand-in',
        modelPath: model,
        enabled: true,
      });
      while ((await platform.status('bench', 'blue')).readyReplicas < 2)
        await new Promise((res) => setTimeout(res, 10));
      ready.push(performance.now() - t);
      await platform.teardown('bench', 'blue', 5);
      while ((await platform.status('bench', 'blue')).replicas.length > 0)
        await new Promise((res) => setTimeout(res, 10));
    }
    console.log(
      JSON.stringify({
        writes,
        writesPerSecond: Math.round(writesPerSecond),
        watchDelayMs: { p50: round(quantile(delays, 0.5)), p99: round(quantile(delays, 0.99)) },
        deployToTwoReadyMs: ready.map(Math.round),
      }),
    );
    return 0;
  } finally {
    await node.stop();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
