import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { V1Container } from '@kubernetes/client-node';
import { freePort } from '../../local/free-port.js';
import { PORT_ANNOTATION } from '../kube-platform.js';
import type { EmulatedApiServer } from './api-server.js';
import { canonical, type KubeObject, timestamp } from './kube-object.js';
import type { ResourceType } from './resource-type.js';

/** How the simulated node runs a container of an "image": a local command on `port`. */
export type ContainerRunner = (
  container: V1Container,
  port: number,
) => { command: string; args: string[]; env?: Record<string, string> };

interface Running {
  child: ChildProcess;
  port: number;
  ready: boolean;
  pod: string;
  namespace: string;
  deployment: string;
  cpuTicks: number;
  cpuAt: number;
}

/**
 * A test controller in place of the Deployment controller, the scheduler and a kubelet: every
 * `intervalMs` it gives each Deployment `spec.replicas` pods of its current template (older
 * templates' pods are deleted), runs each pod as a real local process (`runner` maps the container
 * to a command on a free port, written into the pod's `sim.greenlight.dev/port` annotation),
 * probes the container's readinessProbe path, and writes pod and Deployment status
 * (observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas) and PodMetrics
 * (metrics.k8s.io, from /proc). It works on the server's store directly, as the real components
 * run inside the cluster, and maintains an EndpointSlice per Service. No ReplicaSets.
 */
export class SimulatedNode {
  private readonly running = new Map<string, Running>();
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  private readonly t: Record<'deployments' | 'pods' | 'metrics' | 'services' | 'slices', ResourceType>;

  constructor(
    private readonly server: EmulatedApiServer,
    private readonly runner: ContainerRunner,
    intervalMs = 50,
  ) {
    const metrics: ResourceType = {
      group: 'metrics.k8s.io',
      versions: ['v1beta1'],
      plural: 'pods',
      singular: 'pod',
      kind: 'PodMetrics',
      namespaced: true,
      shortNames: [],
      statusSubresource: false,
      custom: false,
    };
    // as if metrics-server were installed
    server.types.add(metrics);
    this.t = {
      deployments: server.types.find('apps', 'v1', 'deployments')!,
      pods: server.types.find('', 'v1', 'pods')!,
      services: server.types.find('', 'v1', 'services')!,
      slices: server.types.find('discovery.k8s.io', 'v1', 'endpointslices')!,
      metrics,
    };
    this.timer = setInterval(() => this.tick(), intervalMs);
  }

  /** Stop the loop and every process (SIGTERM, then SIGKILL after `graceMs`). */
  async stop(graceMs = 3000): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.running.keys()].map((k) => this.kill(k, graceMs)));
  }

  private tick(): void {
    if (this.busy) return;
    this.busy = true;
    this.reconcile()
      .catch(() => {
        // a write raced a client (409/404): the next tick sees the new state
      })
      .finally(() => {
        this.busy = false;
      });
  }

  private async reconcile(): Promise<void> {
    const { store } = this.server;
    const pods = store.list(this.t.pods);
    const live = new Set(
      pods
        .filter((p) => !p.metadata.deletionTimestamp)
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    );
    for (const k of this.running.keys()) if (!live.has(k)) void this.kill(k, 3000);
    for (const d of store.list(this.t.deployments)) await this.reconcileDeployment(d, pods);
    await this.probe();
    this.endpointSlices();
  }

  /**
   * The EndpointSlice controller: one slice per Service with a selector (`<service>-sim`, labelled
   * kubernetes.io/service-name), listing the pods its selector matches, with their readiness and a
   * targetRef to the pod — what an operator reads to verify a selector switch. Every pod here is
   * 127.0.0.1; the pod's own port is in its sim.greenlight.dev/port annotation.
   */
  private endpointSlices(): void {
    const { store } = this.server;
    const pods = store.list(this.t.pods).filter((p) => !p.metadata.deletionTimestamp);
    for (const svc of store.list(this.t.services)) {
      const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (!selector) continue;
      const ns = svc.metadata.namespace!;
      const matching = pods.filter(
        (p) =>
          p.metadata.namespace === ns &&
          Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
      );
      const slice: KubeObject = {
        metadata: {
          name: `${svc.metadata.name}-sim`,
          namespace: ns,
          labels: {
            'kubernetes.io/service-name': svc.metadata.name!,
            'endpointslice.kubernetes.io/managed-by': 'simulated-node.greenlight.dev',
          },
          ownerReferences: [
            {
              apiVersion: 'v1',
              kind: 'Service',
              name: svc.metadata.name!,
              uid: svc.metadata.uid!,
              controller: true,
            },
          ],
        },
        addressType: 'IPv4',
        endpoints: matching.map((p) => ({
          addresses: ['127.0.0.1'],
          conditions: { ready: this.running.get(`${ns}/${p.metadata.name}`)?.ready ?? false },
          targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid },
        })),
        ports: (
          (svc.spec as { ports?: { name?: string; port: number; targetPort?: unknown }[] }).ports ?? []
        ).map((p) => ({ name: p.name ?? '', port: Number(p.targetPort ?? p.port), protocol: 'TCP' })),
      };
      const cur = store.get(this.t.slices, ns, slice.metadata.name!);
      if (!cur) store.create(this.t.slices, slice);
      else
        store.update(
          this.t.slices,
          { ...slice, metadata: { ...slice.metadata, resourceVersion: cur.metadata.resourceVersion } },
          { requireResourceVersion: false },
        );
    }
  }

  private async reconcileDeployment(d: KubeObject, pods: KubeObject[]): Promise<void> {
    const { store } = this.server;
    const spec = d.spec as {
      replicas?: number;
      template: { metadata?: { labels?: Record<string, string> }; spec: { containers: V1Container[] } };
    };
    const hash = createHash('sha256').update(canonical(spec.template)).digest('hex').slice(0, 10);
    const ns = d.metadata.namespace!;
    const owned = pods.filter(
      (p) =>
        !p.metadata.deletionTimestamp && p.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid),
    );
    const current = owned.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
    for (const p of owned.filter((x) => !current.includes(x)).concat(current.slice(spec.replicas ?? 1))) {
      store.delete(this.t.pods, ns, p.metadata.name!);
    }
    const names = new Set(current.map((p) => p.metadata.name));
    for (let i = 0; current.length + i < (spec.replicas ?? 1); i++) {
      let n = 0;
      while (names.has(`${d.metadata.name}-${hash}-${n}`)) n++;
      const name = `${d.metadata.name}-${hash}-${n}`;
      names.add(name);
      await this.startPod(d, name, hash, spec.template);
    }
    const ready = current.filter((p) => this.running.get(`${ns}/${p.metadata.name}`)?.ready).length;
    const updated = Math.min(current.length, spec.replicas ?? 1);
    const status = {
      observedGeneration: d.metadata.generation,
      replicas: owned.length,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
    };
    if (canonical(status) !== canonical(d.status))
      store.update(
        this.t.deployments,
        { ...d, status },
        { subresource: 'status', requireResourceVersion: false },
      );
  }

  private async startPod(
    d: KubeObject,
    name: string,
    hash: string,
    template: { metadata?: { labels?: Record<string, string> }; spec: { containers: V1Container[] } },
  ): Promise<void> {
    const ns = d.metadata.namespace!;
    const port = await freePort();
    const container = template.spec.containers[0];
    const run = this.runner(container, port);
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: d.metadata.name!,
      uid: d.metadata.uid!,
      controller: true,
    };
    const pod = this.server.store.create(this.t.pods, {
      metadata: {
        name,
        namespace: ns,
        labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
        annotations: { [PORT_ANNOTATION]: String(port) },
        ownerReferences: [owner],
      },
      spec: structuredClone(template.spec) as Record<string, unknown>,
    } as KubeObject);
    const child = spawn(run.command, run.args, { env: { ...process.env, ...run.env }, stdio: 'ignore' });
    this.running.set(`${ns}/${name}`, {
      child,
      port,
      ready: false,
      pod: name,
      namespace: ns,
      deployment: d.metadata.name!,
      cpuTicks: 0,
      cpuAt: Date.now(),
    });
    this.server.store.update(
      this.t.pods,
      { ...pod, status: { phase: 'Running', podIP: '127.0.0.1', startTime: timestamp(new Date()) } },
      { subresource: 'status', requireResourceVersion: false },
    );
  }

  /** Probe every process's readiness path; on a change, write the pod's Ready condition; refresh PodMetrics. */
  private async probe(): Promise<void> {
    await Promise.all(
      [...this.running.entries()].map(async ([k, r]) => {
        const pod = this.server.store.get(this.t.pods, r.namespace, r.pod);
        if (!pod) return;
        const path = ((pod.spec as { containers: V1Container[] }).containers[0].readinessProbe?.httpGet
          ?.path ?? '/ready') as string;
        const ok = await fetch(`http://127.0.0.1:${r.port}${path}`, {
          signal: AbortSignal.timeout(1000),
        }).then(
          (res) => res.ok,
          () => false,
        );
        if (this.running.get(k) !== r) return;
        if (ok !== r.ready) {
          r.ready = ok;
          const status = {
            ...(pod.status as object),
            conditions: [
              { type: 'Ready', status: ok ? 'True' : 'False', lastTransitionTime: timestamp(new Date()) },
            ],
          };
          this.server.store.update(
            this.t.pods,
            { ...pod, status },
            { subresource: 'status', requireResourceVersion: false },
          );
        }
        this.writeMetrics(pod, r);
      }),
    );
  }

  private writeMetrics(pod: KubeObject, r: Running): void {
    const usage = procUsage(r);
    if (!usage) return;
    const m: KubeObject = {
      metadata: { name: r.pod, namespace: r.namespace, labels: pod.metadata.labels },
      timestamp: timestamp(new Date()),
      window: '1s',
      containers: [
        {
          name: 'model-server',
          usage: { cpu: `${Math.round(usage.cores * 1e9)}n`, memory: `${Math.round(usage.rss / 1024)}Ki` },
        },
      ],
    };
    const cur = this.server.store.get(this.t.metrics, r.namespace, r.pod);
    if (cur)
      this.server.store.update(
        this.t.metrics,
        { ...m, metadata: { ...m.metadata, resourceVersion: undefined } },
        { requireResourceVersion: false },
      );
    else this.server.store.create(this.t.metrics, m);
  }

  private kill(k: string, graceMs: number): Promise<void> {
    const r = this.running.get(k);
    this.running.delete(k);
    if (!r) return Promise.resolve();
    if (this.server.store.get(this.t.metrics, r.namespace, r.pod))
      this.server.store.delete(this.t.metrics, r.namespace, r.pod);
    if (r.child.exitCode !== null || r.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const hard = setTimeout(() => r.child.kill('SIGKILL'), graceMs);
      r.child.once('exit', () => {
        clearTimeout(hard);
        resolve();
      });
      r.child.kill('SIGTERM');
    });
  }
}

/** RSS and CPU (cores, since the last reading) of a process, from /proc; undefined off Linux or once it exited. */
function procUsage(r: Running): { rss: number; cores: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${r.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rss = Number(fields[21]) * 4096;
    const now = Date.now();
    const cores = r.cpuTicks > 0 && now > r.cpuAt ? (ticks - r.cpuTicks) / 100 / ((now - r.cpuAt) / 1000) : 0;
    r.cpuTicks = ticks;
    r.cpuAt = now;
    return { rss, cores: Math.max(0, cores) };
  } catch {
    return undefined;
  }
}
