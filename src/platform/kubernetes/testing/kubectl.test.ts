import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../testing/cli.js';
import { hasCommand, missing } from '../../../testing/requires.js';
import { type EmulatedCluster, startEmulatedCluster } from './harness.js';

/**
 * kubectl against the emulated API server: the CRD and the seed's example resource applied, read,
 * patched, watched and deleted, and all of deploy/kubernetes/ applied. kubectl is the judge: when it
 * and the emulation disagree, the emulation is wrong. Runs with the kubectl on PATH (1.32 on the dev
 * machines, Debian's 1.20 in CI) or GREENLIGHT_KUBECTL.
 */
const KUBECTL = process.env.GREENLIGHT_KUBECTL ?? 'kubectl';
const available =
  !missing(hasCommand('openssl'), 'emulated API server tests', 'apt-get install openssl') &&
  !missing(
    hasCommand(KUBECTL),
    'kubectl checks of the emulated API server',
    'apt-get install kubernetes-client',
  );

const SEED = join(ROOT, 'src/platform/kubernetes/testing/fixtures/seed-deployment-config.yaml');
const DEPLOY = join(ROOT, 'deploy/kubernetes');

let cluster: EmulatedCluster;

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', cluster.kubeconfig, ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Resolves when the child's standard output has matched `re` (event-driven: no fixed sleep). */
function output(child: ChildProcess, re: RegExp): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      seen += d;
      if (re.test(seen)) {
        child.stdout!.off('data', onData);
        resolve(seen);
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`kubectl exited (${code}) before printing ${re}; printed:\n${seen}`)),
    );
  });
}

describe.skipIf(!available)(`kubectl (${KUBECTL}) against the emulated API server`, () => {
  beforeAll(async () => {
    cluster = await startEmulatedCluster();
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('applies the generated CRD; discovery then knows bgd', async () => {
    expect(await ok('apply', '-f', join(DEPLOY, 'crd.yaml'))).toContain(
      'customresourcedefinition.apiextensions.k8s.io/bluegreendeployments.mlops.greenlight.dev created',
    );
    const resources = await ok('api-resources', '--api-group=mlops.greenlight.dev');
    expect(resources).toMatch(
      /bluegreendeployments\s+bgd\s+mlops\.greenlight\.dev\/v1alpha1\s+true\s+BlueGreenDeployment/,
    );
  });

  it("accepts the seed's example resource as written and shows the printer columns", async () => {
    expect(await ok('apply', '-f', SEED)).toContain(
      'bluegreendeployment.mlops.greenlight.dev/model-server created',
    );
    const table = await ok('get', 'bgd');
    expect(table.split('\n')[0]).toMatch(/^NAME\s+ACTIVE\s+PHASE\s+BLUE\s+GREEN\s+AGE$/);
    expect(table).toMatch(/model-server\s+v1\.2\.0\s+v1\.3\.0\s+\d+s/);
    const obj = JSON.parse(await ok('get', 'bluegreendeployment', 'model-server', '-o', 'json'));
    expect(obj.spec.blue).toMatchObject({ image: 'myregistry.azurecr.io/model-server:v1.2.0', replicas: 3 });
    expect(obj.spec.namespace).toBe('production');
    expect(obj.metadata.generation).toBe(1);
  });

  it('shows the status the operator writes in the Active and Phase columns', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    await kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectStatus(
      {
        group: 'mlops.greenlight.dev',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'bluegreendeployments',
        name: 'model-server',
        body: { status: { phase: 'Validating', activeColor: 'blue' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(await ok('get', 'bgd', 'model-server')).toMatch(
      /model-server\s+blue\s+Validating\s+v1\.2\.0\s+v1\.3\.0/,
    );
  });

  it('patches with --type merge and --type json; generation follows spec changes only', async () => {
    await ok('patch', 'bgd', 'model-server', '--type', 'merge', '-p', '{"spec":{"green":{"replicas":2}}}');
    await ok(
      'patch',
      'bgd',
      'model-server',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/blue/replicas","value":4}]',
    );
    await ok('label', 'bgd', 'model-server', 'team=ml');
    const got = await ok(
      'get',
      'bgd',
      'model-server',
      '-o',
      'jsonpath={.metadata.generation} {.spec.blue.replicas} {.spec.green.replicas} {.metadata.labels.team}',
    );
    expect(got).toBe('3 4 2 ml');
    // strategic merge is refused for custom resources, as kube-apiserver does
    const smp = await kubectl(
      'patch',
      'bgd',
      'model-server',
      '--type',
      'strategic',
      '-p',
      '{"spec":{"green":{"replicas":1}}}',
    );
    expect(smp.code).not.toBe(0);
    // both versions print the server's 415 message (1.32 wrapped in its own sentence)
    expect(smp.stderr).toContain('the body of the request was in an unknown format');
  });

  it('refuses a resource that breaks the schema, naming the field', async () => {
    const bad = join(cluster.dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: mlops.greenlight.dev/v1alpha1\nkind: BlueGreenDeployment\nmetadata: {name: bad}\nspec:\n  serviceName: s\n  blue: {modelVersion: v1, replicas: 0}\n  green: {modelVersion: v2}\n',
    );
    const r = await kubectl('apply', '-f', bad);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('spec.blue.replicas');
    expect(r.stderr).toContain('greater than or equal to 1');
  });

  it('watches with get --watch: the current row, then the change', async () => {
    const child = spawn(KUBECTL, ['--kubeconfig', cluster.kubeconfig, 'get', 'bgd', '--watch'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await output(child, /model-server\s+blue\s+Validating/);
      // listen before the change: its row may arrive before the patch command returns
      const changed = output(child, /v1\.4\.0/);
      await ok(
        'patch',
        'bgd',
        'model-server',
        '--type',
        'merge',
        '-p',
        '{"spec":{"green":{"modelVersion":"v1.4.0"}}}',
      );
      await changed;
    } finally {
      child.kill();
    }
  });

  it('deletes, and a get afterwards is NotFound', async () => {
    expect(await ok('delete', 'bgd', 'model-server')).toContain('"model-server" deleted');
    const r = await kubectl('get', 'bgd', 'model-server');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'Error from server (NotFound): bluegreendeployments.mlops.greenlight.dev "model-server" not found',
    );
  });

  it('applies all of deploy/kubernetes/ (with a stand-in PrometheusRule CRD), then a changed copy through strategic merge', async () => {
    // a cluster with the Prometheus Operator has this CRD; the emulation has only what is applied to it
    const promCrd = join(cluster.dir, 'prometheusrule-crd.yaml');
    writeFileSync(
      promCrd,
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: prometheusrules.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  scope: Namespaced
  names: {plural: prometheusrules, singular: prometheusrule, kind: PrometheusRule}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}
`,
    );
    await ok('apply', '-f', promCrd);
    const out = await ok('apply', '-f', DEPLOY);
    for (const line of [
      'namespace/greenlight-system created',
      'deployment.apps/greenlight-operator created',
      'persistentvolumeclaim/greenlight-operator-audit created',
      'serviceaccount/greenlight-operator created',
      'clusterrole.rbac.authorization.k8s.io/greenlight-operator created',
      'role.rbac.authorization.k8s.io/greenlight-operator-leader-election created',
      'prometheusrule.monitoring.coreos.com/blue-green-deployment-alerts created',
    ]) {
      expect(out).toContain(line);
    }
    const operator = async () =>
      JSON.parse(
        await ok('get', 'deployment', 'greenlight-operator', '-n', 'greenlight-system', '-o', 'json'),
      );
    const changed = await operator();
    expect(changed.spec.replicas).toBe(2);
    // kubectl computes a strategic-merge patch for built-ins from its last-applied annotation
    changed.spec.replicas = 3;
    changed.spec.template.spec.containers[0].env.push({ name: 'EXTRA', value: '1' });
    delete changed.metadata.resourceVersion;
    const file = join(cluster.dir, 'operator-changed.json');
    writeFileSync(file, JSON.stringify(changed));
    expect(await ok('apply', '-f', file)).toContain('deployment.apps/greenlight-operator configured');
    const after = await operator();
    expect(after.spec.replicas).toBe(3);
    expect(after.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).toEqual([
      'POD_NAME',
      'POD_NAMESPACE',
      'EXTRA',
    ]);
    expect(after.metadata.generation).toBe(2);
  });

  it('applies the repository example into its namespace', async () => {
    await ok('create', 'namespace', 'ml');
    expect(await ok('apply', '-f', join(ROOT, 'examples/spam-classifier-kubernetes.yaml'))).toContain(
      'bluegreendeployment.mlops.greenlight.dev/spam-classifier created',
    );
    expect(await ok('get', 'bgd', '-n', 'ml', '-o', 'name')).toBe(
      'bluegreendeployment.mlops.greenlight.dev/spam-classifier\n',
    );
  });
});
