import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hasCommand, missing } from '../../testing/requires.js';
import { platformSuite } from '../fake/platform.suite.js';
import { STAND_IN } from '../local/testing/stand-in.js';
import { bgdCrd, GROUP, PLURAL, VERSION } from './crd.js';
import { createKubePlatform, type KubePlatformOptions } from './kube-platform.js';
import { type EmulatedCluster, startEmulatedCluster } from './testing/harness.js';
import { type ContainerRunner, SimulatedNode } from './testing/simulated-node.js';

const noOpenssl = missing(
  hasCommand('openssl'),
  'Kubernetes platform tests (emulated API server over TLS)',
  'apt-get install openssl',
);

/** The test image: the container's `serve …` args run by the local stand-in model server on the node's port. */
const runStandIn: ContainerRunner = (c, port) => {
  const args = [...(c.args ?? [])];
  args[args.indexOf('--port') + 1] = String(port);
  return { command: process.execPath, args: [STAND_IN, ...args] };
};

interface Rig {
  cluster: EmulatedCluster;
  node: SimulatedNode;
  kc: KubeConfig;
  model: string;
  close(): Promise<void>;
}

async function rig(): Promise<Rig> {
  const cluster = await startEmulatedCluster();
  const node = new SimulatedNode(cluster.server, runStandIn);
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-kube-model-'));
  const model = join(dir, 'model.onnx');
  writeFileSync(model, 'a stand-in model');
  return {
    cluster,
    node,
    kc,
    model,
    close: async () => {
      await node.stop();
      await cluster.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const platformOf = (r: Rig, owner?: KubePlatformOptions['owner']) =>
  createKubePlatform({ kc: r.kc, namespace: 'default', owner });

if (!noOpenssl) {
  platformSuite('kubernetes (emulated API server + simulated node)', async () => {
    const r = await rig();
    return {
      platform: platformOf(r),
      colorSpec: (color, version, replicas) => ({
        deploymentName: `suite-${color}`,
        replicas,
        modelVersion: version,
        image: 'greenlight-stand-in',
        modelPath: r.model,
        enabled: true,
      }),
      close: r.close,
    };
  });
}

describe.skipIf(noOpenssl)('Kubernetes platform', () => {
  it("labels the slot's Deployment as the seed does, owns it by the resource, and deleting the resource cleans up", async () => {
    const r = await rig();
    try {
      await KubernetesObjectApi.makeApiClient(r.kc).create(bgdCrd() as never);
      const bgd = (await r.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: PLURAL,
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'BlueGreenDeployment',
          metadata: { name: 'spam' },
          spec: { serviceName: 'model-server', blue: { modelVersion: 'v1' }, green: { modelVersion: 'v2' } },
        },
      })) as { metadata: { uid: string } };
      const platform = platformOf(r, (name) => ({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'BlueGreenDeployment',
        name,
        uid: bgd.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      }));
      await platform.deploy('spam', 'blue', {
        deploymentName: 'model-server-blue',
        replicas: 2,
        modelVersion: 'v1',
        image: 'stand-in',
        modelPath: r.model,
        enabled: true,
      });
      const apps = r.kc.makeApiClient(AppsV1Api);
      const d = await apps.readNamespacedDeployment({ name: 'model-server-blue', namespace: 'default' });
      expect(d.spec!.selector.matchLabels).toMatchObject({ app: 'spam', version: 'blue' });
      expect(d.metadata!.ownerReferences![0]).toMatchObject({
        kind: 'BlueGreenDeployment',
        uid: bgd.metadata.uid,
      });
      let s = await platform.status('spam', 'blue');
      for (let i = 0; i < 200 && s.readyReplicas < 2; i++) {
        await new Promise((res) => setTimeout(res, 50));
        s = await platform.status('spam', 'blue');
      }
      expect(s.readyReplicas).toBe(2);
      // the node's EndpointSlices follow a Service selector: what a selector switch is verified with
      const core = r.kc.makeApiClient(CoreV1Api);
      await core.createNamespacedService({
        namespace: 'default',
        body: {
          metadata: { name: 'model-server' },
          spec: {
            selector: { app: 'spam', version: 'blue' },
            ports: [{ port: 80, targetPort: 8080 as never }],
          },
        },
      });
      const endpoints = async () => {
        const slices = await r.kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
          namespace: 'default',
          labelSelector: 'kubernetes.io/service-name=model-server',
        });
        return slices.items
          .flatMap((x) => x.endpoints.filter((e) => e.conditions?.ready).map((e) => e.targetRef!.name!))
          .sort();
      };
      let ready = await endpoints();
      for (let i = 0; i < 200 && ready.length < 2; i++) {
        await new Promise((res) => setTimeout(res, 50));
        ready = await endpoints();
      }
      expect(ready).toEqual(s.replicas.map((x) => x.id).sort());
      await core.patchNamespacedService(
        {
          name: 'model-server',
          namespace: 'default',
          body: { spec: { selector: { app: 'spam', version: 'green' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      for (let i = 0; i < 200 && ready.length > 0; i++) {
        await new Promise((res) => setTimeout(res, 50));
        ready = await endpoints();
      }
      expect(ready).toEqual([]);
      // PodMetrics from the node's /proc readings of the real processes
      expect((await platform.resources('spam', 'blue', 20)).rssBytes).toBeGreaterThan(1e6);
      // the replicas are real processes answering on their URLs
      for (const rep of s.replicas)
        expect((await fetch(`${rep.url}/health`)).headers.get('x-model-version')).toBe('v1');
      await r.kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: 'default',
        plural: PLURAL,
        name: 'spam',
      });
      for (let i = 0; i < 200 && (await platform.status('spam', 'blue')).replicas.length > 0; i++)
        await new Promise((res) => setTimeout(res, 50));
      expect((await platform.status('spam', 'blue')).replicas).toEqual([]);
      expect((await apps.listNamespacedDeployment({ namespace: 'default' })).items).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
