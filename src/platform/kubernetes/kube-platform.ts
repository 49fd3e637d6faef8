import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1OwnerReference,
  type V1Pod,
} from '@kubernetes/client-node';
import { GreenlightError } from '../../errors.js';
import { abortableSleep } from '../../sleep.js';
import type { Color, ColorSpec } from '../../spec/types.js';
import type { ColorState, Platform, Replica, ResourceUsage } from '../types.js';
import { CONTAINER_PORT, MODEL_VERSION_LABEL, slotDeployment, slotSelector } from './slot-deployment.js';

/** Annotation through which a simulated node (tests) says on which local port a pod listens. */
export const PORT_ANNOTATION = 'sim.greenlight.dev/port';

export interface KubePlatformOptions {
  kc: KubeConfig;
  namespace: string;
  /** The owner of every slot Deployment (the BlueGreenDeployment), so deleting it cleans up. */
  owner?: (deployment: string) => V1OwnerReference | undefined;
  /** How long `deploy` waits for the slot's pods to exist (default 30 s); readiness is not waited for. */
  podWaitMs?: number;
}

const isNotFound = (err: unknown) => err instanceof ApiException && err.code === 404;

/**
 * The Kubernetes platform: one Deployment per slot, through the official client. Readiness comes
 * from the Deployment's status, and only once it describes the current spec (observedGeneration).
 */
export function createKubePlatform(o: KubePlatformOptions): Platform {
  const apps = o.kc.makeApiClient(AppsV1Api);
  const core = o.kc.makeApiClient(CoreV1Api);
  const custom = o.kc.makeApiClient(CustomObjectsApi);
  const namespace = o.namespace;

  /** The slot's Deployment, found by its labels: a restarted controller knows no names. */
  const find = async (deployment: string, color: Color): Promise<V1Deployment | undefined> =>
    (await apps.listNamespacedDeployment({ namespace, labelSelector: slotSelector(deployment, color) }))
      .items[0];

  const read = async (name: string): Promise<V1Deployment | undefined> => {
    try {
      return await apps.readNamespacedDeployment({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const status = async (deployment: string, color: Color): Promise<ColorState> => {
    const d = await find(deployment, color);
    if (!d) return { color, replicas: [], readyReplicas: 0 };
    const name = d.metadata!.name!;
    const version = d.metadata?.labels?.[MODEL_VERSION_LABEL];
    const pods = await core.listNamespacedPod({
      namespace,
      labelSelector: `${slotSelector(deployment, color)},${MODEL_VERSION_LABEL}=${version}`,
    });
    const replicas = pods.items
      .filter((p) => !p.metadata?.deletionTimestamp && p.status?.podIP)
      .map(replicaOf);
    const s = d.status ?? {};
    const current = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1);
    const ready = current ? Math.min(s.updatedReplicas ?? 0, s.availableReplicas ?? 0) : 0;
    return { color, deploymentName: name, modelVersion: version, replicas, readyReplicas: ready };
  };

  return {
    kind: 'kubernetes',
    async deploy(deployment: string, color: Color, spec: ColorSpec): Promise<ColorState> {
      const want = slotDeployment(deployment, color, spec, o.owner?.(deployment));
      const have = await read(spec.deploymentName);
      if (!have) {
        await apps.createNamespacedDeployment({ namespace, body: want });
      } else if (
        JSON.stringify(have.spec?.template) !== JSON.stringify(want.spec?.template) ||
        have.spec?.replicas !== spec.replicas ||
        have.metadata?.labels?.[MODEL_VERSION_LABEL] !== spec.modelVersion
      ) {
        // a merge patch of the parts greenlight owns; the API server bumps generation, the rollout follows
        await apps.patchNamespacedDeployment(
          {
            name: spec.deploymentName,
            namespace,
            body: {
              metadata: { labels: want.metadata!.labels },
              spec: { replicas: want.spec!.replicas, template: want.spec!.template },
            },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      }
      // the contract returns the replicas it runs: wait (bounded) for the pods to exist (or, scaling down, to go), not to be ready
      const deadline = Date.now() + (o.podWaitMs ?? 30_000);
      let s = await status(deployment, color);
      while (s.replicas.length !== spec.replicas && Date.now() < deadline) {
        await abortableSleep(50);
        s = await status(deployment, color);
      }
      return s;
    },
    status,
    async teardown(deployment: string, color: Color): Promise<void> {
      const d = await find(deployment, color);
      if (!d) return;
      try {
        // Background: the Deployment goes now, its pods through the garbage collector
        await apps.deleteNamespacedDeployment({
          name: d.metadata!.name!,
          namespace,
          propagationPolicy: 'Background',
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async resources(deployment: string, color: Color): Promise<ResourceUsage> {
      let list: { items: { containers: { usage: { cpu: string; memory: string } }[] }[] };
      try {
        list = (await custom.listNamespacedCustomObject({
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          namespace,
          plural: 'pods',
          labelSelector: slotSelector(deployment, color),
        })) as typeof list;
      } catch (err) {
        if (isNotFound(err))
          throw new GreenlightError(
            'GL_NO_METRICS',
            'the metrics API (metrics.k8s.io) is not served: no resource readings',
            { cause: err },
          );
        throw err;
      }
      const usage = list.items.flatMap((p) => p.containers.map((c) => c.usage));
      return {
        rssBytes: usage.reduce((n, u) => n + bytes(u.memory), 0),
        cpuPercent: usage.reduce((n, u) => n + cores(u.cpu) * 100, 0),
      };
    },
  };
}

function replicaOf(p: V1Pod): Replica {
  const port =
    p.metadata?.annotations?.[PORT_ANNOTATION] ??
    String(p.spec?.containers[0]?.ports?.[0]?.containerPort ?? CONTAINER_PORT);
  return { id: p.metadata!.name!, url: `http://${p.status!.podIP}:${port}` };
}

/** A Kubernetes CPU quantity ("250m", "1200000n", "2") in cores. */
export function cores(q: string): number {
  const m = /^([\d.]+)([num]?)$/.exec(q);
  if (!m) return 0;
  return Number(m[1]) / { '': 1, m: 1e3, u: 1e6, n: 1e9 }[m[2] as '' | 'm' | 'u' | 'n'];
}

/** A Kubernetes memory quantity ("34Mi", "1Gi", "1500k", "123") in bytes. */
export function bytes(q: string): number {
  const m = /^([\d.]+)(Ki|Mi|Gi|k|M|G)?$/.exec(q);
  if (!m) return 0;
  const unit: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, k: 1e3, M: 1e6, G: 1e9 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}
