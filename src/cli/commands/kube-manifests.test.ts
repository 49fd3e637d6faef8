import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, runCli } from '../../testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'greenlight-kube-manifests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('greenlight kube manifests', () => {
  it('--out writes exactly the checked-in deploy/kubernetes/', async () => {
    const r = await runCli(['kube', 'manifests', '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names).toEqual(readdirSync(join(ROOT, 'deploy/kubernetes')).sort());
    for (const n of names)
      expect(readFileSync(join(dir, n), 'utf8'), n).toBe(
        readFileSync(join(ROOT, 'deploy/kubernetes', n), 'utf8'),
      );
  });

  it('prints one YAML stream, with the namespace and image asked for', async () => {
    const r = await runCli([
      'kube',
      'manifests',
      '--namespace',
      'ops',
      '--image',
      'registry.local/greenlight:dev',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'CustomResourceDefinition',
        'Namespace',
        'Deployment',
        'ClusterRole',
        'PrometheusRule',
      ]),
    );
    const deploy = docs.find((d) => d.kind === 'Deployment');
    expect(deploy.metadata.namespace).toBe('ops');
    expect(deploy.spec.template.spec.containers[0].image).toBe('registry.local/greenlight:dev');
  });

  it('refuses a namespace that is not a Kubernetes name, with exit 2', async () => {
    const r = await runCli(['kube', 'manifests', '--namespace', 'Bad_NS']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--namespace expects a Kubernetes name');
  });
});
