import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand, missing } from '../../../testing/requires.js';
import type { ApiServerOptions } from './api-server.js';
import { type EmulatedCluster, startEmulatedCluster, widgetCrd } from './harness.js';
import { recordWatch } from './watch-recorder.js';

/**
 * The emulated API server driven through the official client, @kubernetes/client-node 1.x — what the
 * operator uses. If the client and the emulation disagree, the emulation is wrong.
 */
const noOpenssl = missing(
  hasCommand('openssl'),
  'emulated API server tests (TLS)',
  'apt-get install openssl',
);
let cluster: EmulatedCluster;
let kc: KubeConfig;

async function start(options: ApiServerOptions = {}): Promise<void> {
  cluster = await startEmulatedCluster(options);
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
}

afterEach(async () => {
  await cluster?.close();
});

const ns = 'default';
const patchAs = (type: string) => setHeaderOptions('Content-Type', type);

function deployment(name: string, labels: Record<string, string> = { app: name }): V1Deployment {
  return {
    metadata: { name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'server', image: 'model-server:v1' }] },
      },
    },
  };
}

/** The HTTP status and Status body of a failed call. */
async function failure(
  p: Promise<unknown>,
): Promise<{ code: number; reason?: string; message?: string; kind?: string }> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code, ...body };
  }
  throw new Error('expected the call to fail');
}

async function installWidgets(): Promise<CustomObjectsApi> {
  // client-node serializes a CRD through its model, which knows x-kubernetes-* keys only by its
  // property names (x_kubernetes_preserve_unknown_fields); a manifest's own spelling would be dropped
  const prop = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(prop)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v).map(([k, x]) => [
              k.startsWith('x-kubernetes-') ? k.replaceAll('-', '_') : k,
              prop(x),
            ]),
          )
        : v;
  await KubernetesObjectApi.makeApiClient(kc).create(prop(widgetCrd()) as never);
  return kc.makeApiClient(CustomObjectsApi);
}

const widget = (name: string, size = 1) => ({
  apiVersion: 'test.greenlight.dev/v1',
  kind: 'Widget',
  metadata: { name },
  spec: { size },
});
const W = { group: 'test.greenlight.dev', version: 'v1', namespace: ns, plural: 'widgets' };

describe.skipIf(noOpenssl)('emulated API server with @kubernetes/client-node', () => {
  beforeEach(async () => {
    await start();
  });

  it('creates, reads and lists with integer, increasing resourceVersions; a list carries the collection resourceVersion', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const a = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('a') });
    const b = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('b') });
    expect(Number(b.metadata!.resourceVersion)).toBeGreaterThan(Number(a.metadata!.resourceVersion));
    expect(a.metadata!.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata!.generation).toBe(1);
    expect(a.metadata!.creationTimestamp).toBeInstanceOf(Date);
    const got = await apps.readNamespacedDeployment({ name: 'a', namespace: ns });
    expect(got.spec!.replicas).toBe(2);
    const list = await apps.listNamespacedDeployment({ namespace: ns });
    expect(list.items.map((d) => d.metadata!.name)).toEqual(['a', 'b']);
    expect(Number(list.metadata!.resourceVersion)).toBeGreaterThanOrEqual(
      Number(b.metadata!.resourceVersion),
    );
  });

  it('answers a second create with 409 AlreadyExists and a missing object with 404, as kind: Status bodies', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('a') });
    const dup = await failure(apps.createNamespacedDeployment({ namespace: ns, body: deployment('a') }));
    expect(dup).toMatchObject({
      code: 409,
      kind: 'Status',
      reason: 'AlreadyExists',
      message: 'deployments.apps "a" already exists',
    });
    const missing = await failure(apps.readNamespacedDeployment({ name: 'nope', namespace: ns }));
    expect(missing).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
    });
    // subresources other than /status are not emulated: an honest 404, never the main object
    const scale = await failure(apps.readNamespacedDeploymentScale({ name: 'a', namespace: ns }));
    expect(scale.code).toBe(404);
    const noNamespace = await failure(
      apps.createNamespacedDeployment({ namespace: 'absent', body: deployment('x') }),
    );
    expect(noNamespace).toMatchObject({ code: 404, message: 'namespaces "absent" not found' });
  });

  it('refuses an update with a stale resourceVersion with 409 Conflict', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const first = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('a') });
    const fresh = await apps.replaceNamespacedDeployment({
      name: 'a',
      namespace: ns,
      body: { ...first, spec: { ...first.spec!, replicas: 3 } },
    });
    expect(Number(fresh.metadata!.resourceVersion)).toBeGreaterThan(Number(first.metadata!.resourceVersion));
    const stale = await failure(
      apps.replaceNamespacedDeployment({
        name: 'a',
        namespace: ns,
        body: { ...first, spec: { ...first.spec!, replicas: 5 } },
      }),
    );
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(stale.message).toContain('the object has been modified');
    expect((await apps.readNamespacedDeployment({ name: 'a', namespace: ns })).spec!.replicas).toBe(3);
  });

  it('patches with JSON patch, merge patch, strategic merge (built-ins) and server-side apply', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('a') });
    const json = await apps.patchNamespacedDeployment(
      {
        name: 'a',
        namespace: ns,
        body: [
          { op: 'replace', path: '/spec/replicas', value: 4 },
          { op: 'add', path: '/metadata/labels/color', value: 'blue' },
        ],
      },
      patchAs(PatchStrategy.JsonPatch),
    );
    expect(json.spec!.replicas).toBe(4);
    expect(json.metadata!.labels).toEqual({ app: 'a', color: 'blue' });
    const merge = await apps.patchNamespacedDeployment(
      { name: 'a', namespace: ns, body: { metadata: { labels: { color: null, tier: 'ml' } } } },
      patchAs(PatchStrategy.MergePatch),
    );
    expect(merge.metadata!.labels).toEqual({ app: 'a', tier: 'ml' });
    // strategic merge merges containers by name; a merge patch would replace the list
    const smp = await apps.patchNamespacedDeployment(
      {
        name: 'a',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'proxy:1' }] } } } },
      },
      patchAs(PatchStrategy.StrategicMergePatch),
    );
    expect(smp.spec!.template.spec!.containers.map((c) => c.name)).toEqual(['server', 'sidecar']);
    const failedTest = await failure(
      apps.patchNamespacedDeployment(
        { name: 'a', namespace: ns, body: [{ op: 'test', path: '/spec/replicas', value: 9 }] },
        patchAs(PatchStrategy.JsonPatch),
      ),
    );
    expect(failedTest.code).toBe(422);

    const applied = await apps.patchNamespacedDeployment(
      {
        name: 'b',
        namespace: ns,
        fieldManager: 'greenlight',
        body: { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment('b') },
      },
      patchAs(PatchStrategy.ServerSideApply),
    );
    expect(applied.metadata!.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      ['greenlight', 'Apply'],
    ]);
    const noManager = await failure(
      apps.patchNamespacedDeployment(
        {
          name: 'b',
          namespace: ns,
          body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'b' } },
        },
        patchAs(PatchStrategy.ServerSideApply),
      ),
    );
    expect(noManager).toMatchObject({
      code: 400,
      message: 'PATCH request with apply content type requires fieldManager',
    });
  });

  it('server-side apply: a second manager setting the same field differently is a conflict unless forced; a dropped field is removed', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const body = (replicas: number, extra: Record<string, string> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a', labels: { app: 'a', ...extra } },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 's', image: 'i' }] } },
      },
    });
    await apps.patchNamespacedDeployment(
      { name: 'a', namespace: ns, fieldManager: 'one', body: body(2, { owner: 'one' }) },
      patchAs(PatchStrategy.ServerSideApply),
    );
    const clash = await failure(
      apps.patchNamespacedDeployment(
        {
          name: 'a',
          namespace: ns,
          fieldManager: 'two',
          body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { replicas: 5 } },
        },
        patchAs(PatchStrategy.ServerSideApply),
      ),
    );
    expect(clash).toMatchObject({ code: 409, reason: 'Conflict' });
    expect(clash.message).toContain('conflict with "one": .spec.replicas');
    const forced = await apps.patchNamespacedDeployment(
      {
        name: 'a',
        namespace: ns,
        fieldManager: 'two',
        force: true,
        body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { replicas: 5 } },
      },
      patchAs(PatchStrategy.ServerSideApply),
    );
    expect(forced.spec!.replicas).toBe(5);
    // manager one re-applies without its label: the label goes, the replicas it no longer owns stay
    const { spec: _s, ...noReplicas } = body(2);
    const again = await apps.patchNamespacedDeployment(
      {
        name: 'a',
        namespace: ns,
        fieldManager: 'one',
        body: { ...noReplicas, spec: { ...body(2).spec, replicas: undefined } },
      },
      patchAs(PatchStrategy.ServerSideApply),
    );
    expect(again.metadata!.labels).toEqual({ app: 'a' });
    expect(again.spec!.replicas).toBe(5);
  });

  it('custom resources: served after the CRD is created, strategic merge answers 415, schema violations 422, unknown fields pruned', async () => {
    const custom = await installWidgets();
    const created = (await custom.createNamespacedCustomObject({
      ...W,
      body: { ...widget('w1'), spec: { size: 2, colour: 'x' } },
    })) as {
      spec: Record<string, unknown>;
    };
    expect(created.spec).toEqual({ size: 2 });
    const smp = await failure(
      custom.patchNamespacedCustomObject(
        { ...W, name: 'w1', body: { spec: { size: 3 } } },
        patchAs(PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    const merged = (await custom.patchNamespacedCustomObject(
      { ...W, name: 'w1', body: { spec: { size: 3 } } },
      patchAs(PatchStrategy.MergePatch),
    )) as { spec: { size: number } };
    expect(merged.spec.size).toBe(3);
    const bad = await failure(custom.createNamespacedCustomObject({ ...W, body: widget('w2', 0) }));
    expect(bad).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(bad.message).toContain('spec.size');
    const missing = await failure(
      custom.createNamespacedCustomObject({ ...W, body: { ...widget('w3'), spec: {} } }),
    );
    expect(missing.message).toContain('spec.size: Required value');
    // an update of a custom resource must name the resourceVersion it read
    const noRv = await failure(
      custom.replaceNamespacedCustomObject({ ...W, name: 'w1', body: widget('w1', 4) }),
    );
    expect(noRv).toMatchObject({ code: 422 });
  });

  it('status subresource: main writes ignore status, /status writes ignore the rest, generation bumps only on spec changes', async () => {
    const custom = await installWidgets();
    type Widget = {
      metadata: { generation: number; resourceVersion: string; labels?: Record<string, string> };
      spec: { size: number };
      status?: { phase?: string };
    };
    const w = (await custom.createNamespacedCustomObject({
      ...W,
      body: { ...widget('w1'), status: { phase: 'Ignored' } },
    })) as Widget;
    expect(w.status).toBeUndefined();
    expect(w.metadata.generation).toBe(1);
    const s = (await custom.patchNamespacedCustomObjectStatus(
      {
        ...W,
        name: 'w1',
        body: { status: { phase: 'Ready' }, spec: { size: 9 }, metadata: { labels: { x: 'y' } } },
      },
      patchAs(PatchStrategy.MergePatch),
    )) as Widget;
    expect(s.status).toEqual({ phase: 'Ready' });
    expect(s.spec.size).toBe(1);
    expect(s.metadata.labels).toBeUndefined();
    expect(s.metadata.generation).toBe(1);
    const main = (await custom.patchNamespacedCustomObject(
      { ...W, name: 'w1', body: { status: { phase: 'Lost' }, metadata: { labels: { a: 'b' } } } },
      patchAs(PatchStrategy.MergePatch),
    )) as Widget;
    expect(main.status).toEqual({ phase: 'Ready' });
    expect(main.metadata.generation).toBe(1);
    const spec = (await custom.patchNamespacedCustomObject(
      { ...W, name: 'w1', body: { spec: { size: 2 } } },
      patchAs(PatchStrategy.MergePatch),
    )) as Widget;
    expect(spec.metadata.generation).toBe(2);
    // a write that changes nothing keeps the resourceVersion (no watch event for it)
    const same = (await custom.patchNamespacedCustomObject(
      { ...W, name: 'w1', body: { spec: { size: 2 } } },
      patchAs(PatchStrategy.MergePatch),
    )) as Widget;
    expect(same.metadata.resourceVersion).toBe(spec.metadata.resourceVersion);
    // status through PUT on /status with a stale resourceVersion is a conflict too
    const stale = await failure(
      custom.replaceNamespacedCustomObjectStatus({
        ...W,
        name: 'w1',
        body: { ...w, status: { phase: 'Old' } },
      }),
    );
    expect(stale.code).toBe(409);
  });

  it('finalizers: delete sets deletionTimestamp; removing the last finalizer deletes', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c', finalizers: ['greenlight.dev/cleanup', 'other/x'] } },
    });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      fieldSelector: 'metadata.name=c',
    });
    await core.deleteNamespacedConfigMap({ name: 'c', namespace: ns });
    const pending = await core.readNamespacedConfigMap({ name: 'c', namespace: ns });
    expect(pending.metadata!.deletionTimestamp).toBeInstanceOf(Date);
    const addLate = await failure(
      core.patchNamespacedConfigMap(
        {
          name: 'c',
          namespace: ns,
          body: { metadata: { finalizers: ['greenlight.dev/cleanup', 'other/x', 'new/one'] } },
        },
        patchAs(PatchStrategy.MergePatch),
      ),
    );
    expect(addLate.code).toBe(422);
    await core.patchNamespacedConfigMap(
      { name: 'c', namespace: ns, body: [{ op: 'remove', path: '/metadata/finalizers/0' }] },
      patchAs(PatchStrategy.JsonPatch),
    );
    expect((await core.readNamespacedConfigMap({ name: 'c', namespace: ns })).metadata!.finalizers).toEqual([
      'other/x',
    ]);
    await core.patchNamespacedConfigMap(
      { name: 'c', namespace: ns, body: { metadata: { finalizers: null } } },
      patchAs(PatchStrategy.MergePatch),
    );
    await w.until((e) => e.type === 'DELETED');
    expect((await failure(core.readNamespacedConfigMap({ name: 'c', namespace: ns }))).code).toBe(404);
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
    w.abort();
  });

  it('garbage-collects objects whose owner is deleted (background), and orphans with propagationPolicy Orphan', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const owner = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('owner') });
    const ref = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'owner',
      uid: owner.metadata!.uid!,
      controller: true,
    };
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dep', ownerReferences: [ref] } },
    });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`);
    await apps.deleteNamespacedDeployment({ name: 'owner', namespace: ns });
    await w.until((e) => e.type === 'DELETED' && e.object.metadata?.name === 'dep');

    const owner2 = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('owner2') });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: { name: 'kept', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata!.uid! }] },
      },
    });
    await apps.deleteNamespacedDeployment({ name: 'owner2', namespace: ns, propagationPolicy: 'Orphan' });
    const orphaned = await w.until((e) => e.type === 'MODIFIED' && e.object.metadata?.name === 'kept');
    expect((orphaned.object.metadata as { ownerReferences?: unknown }).ownerReferences).toBeUndefined();
    expect((await failure(apps.readNamespacedDeployment({ name: 'owner2', namespace: ns }))).code).toBe(404);
    w.abort();
  });

  it('selects by labels (=, !=, in, notin, exists) and by metadata.name', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    for (const [name, color] of [
      ['p1', 'blue'],
      ['p2', 'green'],
      ['p3', undefined],
    ] as const) {
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name, labels: { app: 'm', ...(color && { color }) } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      });
    }
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await core.listNamespacedPod({ namespace: ns, labelSelector, fieldSelector })).items.map(
        (p) => p.metadata!.name,
      );
    expect(await names('color=blue')).toEqual(['p1']);
    expect(await names('color!=blue')).toEqual(['p2', 'p3']);
    expect(await names('color in (blue,green)')).toEqual(['p1', 'p2']);
    expect(await names('color notin (blue)')).toEqual(['p2', 'p3']);
    expect(await names('color')).toEqual(['p1', 'p2']);
    expect(await names('!color')).toEqual(['p3']);
    expect(await names(undefined, 'metadata.name=p2')).toEqual(['p2']);
    expect(
      (await failure(core.listNamespacedPod({ namespace: ns, fieldSelector: 'spec.replicas=1' }))).code,
    ).toBe(400);
  });

  it('Leases: a second holder that read an old version loses with 409 (what leader election relies on)', async () => {
    const coord = kc.makeApiClient(CoordinationV1Api);
    const lease = await coord.createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: 'greenlight-operator' },
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15 },
      },
    });
    const renewed = await coord.replaceNamespacedLease({
      name: 'greenlight-operator',
      namespace: ns,
      body: { ...lease, spec: { ...lease.spec, renewTime: new Date() } },
    });
    const takeover = await failure(
      coord.replaceNamespacedLease({
        name: 'greenlight-operator',
        namespace: ns,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } },
      }),
    );
    expect(takeover.code).toBe(409);
    expect(
      (await coord.readNamespacedLease({ name: 'greenlight-operator', namespace: ns })).spec!.holderIdentity,
    ).toBe('a');
    expect(Number(renewed.metadata!.resourceVersion)).toBeGreaterThan(
      Number(lease.metadata!.resourceVersion),
    );
  });
});

describe.skipIf(noOpenssl)('watches through client-node', () => {
  it('replays history after a resourceVersion, then streams; selectors apply; an object leaving the selector is DELETED for the watch', async () => {
    await start();
    const core = kc.makeApiClient(CoreV1Api);
    const before = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'old', labels: { color: 'blue' } } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'after', labels: { color: 'blue' } } },
    });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: before.metadata!.resourceVersion,
      labelSelector: 'color=blue',
    });
    await w.until((e) => e.object.metadata?.name === 'after');
    await core.patchNamespacedConfigMap(
      { name: 'after', namespace: ns, body: { metadata: { labels: { color: 'green' } } } },
      patchAs(PatchStrategy.MergePatch),
    );
    await w.until((e) => e.type === 'DELETED');
    expect(w.events.map((e) => [e.type, e.object.metadata?.name])).toEqual([
      ['ADDED', 'after'],
      ['DELETED', 'after'],
    ]);
    w.abort();
  });

  it('without a resourceVersion starts with the current objects as ADDED', async () => {
    await start();
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' } } });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`);
    await w.until((e) => e.object.metadata?.name === 'one');
    expect(w.events[0].type).toBe('ADDED');
    w.abort();
  });

  it('a resourceVersion older than the kept history: 200 then an ERROR event with a 410 Status (kube-apiserver)', async () => {
    await start({ historySize: 3 });
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c0' } } });
    for (let i = 1; i <= 4; i++)
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `c${i}` } } });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: first.metadata!.resourceVersion,
    });
    const err = await w.until((e) => e.type === 'ERROR');
    expect(err.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(await w.ended).toBeNull();
    // a list gives the resourceVersion to start again from
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const again = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: list.metadata!.resourceVersion,
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c5' } } });
    await again.until((e) => e.object.metadata?.name === 'c5');
    expect(again.events.map((e) => e.type)).toEqual(['ADDED']);
    again.abort();
  });

  it('with watchGone "status" the expired watch is an HTTP 410 on the initial request', async () => {
    await start({ historySize: 1, watchGone: 'status' });
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c0' } } });
    // history keeps only c2: the watch from c0 misses c1
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c1' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c2' } } });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: first.metadata!.resourceVersion,
    });
    expect(await w.ended).toMatchObject({ statusCode: 410 });
  });

  it('an open watch expired under it gets an ERROR 410 event and ends', async () => {
    await start();
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(cluster.server.store.resourceVersion),
    });
    expect(cluster.server.expireWatches()).toBe(1);
    const err = await w.until((e) => e.type === 'ERROR');
    expect(err.object).toMatchObject({ code: 410 });
  });

  it('sends bookmarks only when allowWatchBookmarks=true', async () => {
    await start({ bookmarkIntervalMs: 20 });
    const core = kc.makeApiClient(CoreV1Api);
    const plain = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: '1' });
    const marked = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: '1',
      allowWatchBookmarks: true,
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    const bm = await marked.until((e) => e.type === 'BOOKMARK');
    expect(bm.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    await marked.until((e) => e.type === 'ADDED');
    await plain.until((e) => e.type === 'ADDED');
    // by now several bookmark intervals passed on the plain watch too: it must have none
    await marked.until(
      (e) => e.type === 'BOOKMARK' && marked.events.filter((x) => x.type === 'BOOKMARK').length >= 3,
    );
    expect(plain.events.map((e) => e.type)).toEqual(['ADDED']);
    plain.abort();
    marked.abort();
  });

  it('honours timeoutSeconds, and the server can close watches', async () => {
    await start();
    const timed = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1 });
    expect(await timed.ended).toBeNull();
    const open = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`);
    expect(cluster.server.closeWatches()).toBe(1);
    expect(await open.ended).toBeNull();
  });

  it('a stalled watch keeps its connection and delivers nothing (client-node 1.x never notices by itself)', async () => {
    await start();
    const core = kc.makeApiClient(CoreV1Api);
    const stalled = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(cluster.server.store.resourceVersion),
    });
    expect(cluster.server.stallWatches()).toBe(1);
    const fresh = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(cluster.server.store.resourceVersion),
    });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    await fresh.until((e) => e.object.metadata?.name === 'c');
    // the server writes to every watch in the same tick: the fresh one got it, the stalled one never will
    expect(stalled.events).toEqual([]);
    expect(cluster.server.openWatches()).toBe(2);
    stalled.abort();
    fresh.abort();
  });

  it('garbage collection can be switched off (envtest has none)', async () => {
    await start({ garbageCollector: false });
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const owner = await apps.createNamespacedDeployment({ namespace: ns, body: deployment('owner') });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'owner', uid: owner.metadata!.uid! };
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dep', ownerReferences: [ref] } },
    });
    const w = await recordWatch(kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(cluster.server.store.resourceVersion),
    });
    await apps.deleteNamespacedDeployment({ name: 'owner', namespace: ns });
    // an unrelated write after the delete: its event arrives after any collection would have
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'marker' } } });
    await new Promise((r) => setImmediate(r));
    await core.patchNamespacedConfigMap(
      { name: 'marker', namespace: ns, body: { data: { a: 'b' } } },
      patchAs(PatchStrategy.MergePatch),
    );
    await w.until((e) => e.type === 'MODIFIED' && e.object.metadata?.name === 'marker');
    expect(w.events.some((e) => e.type === 'DELETED')).toBe(false);
    expect((await core.readNamespacedConfigMap({ name: 'dep', namespace: ns })).metadata!.name).toBe('dep');
    w.abort();
  });
});
