import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../../testing/cli.js';
import { bgdCrd } from './crd.js';
import { renderManifests } from './manifests.js';
import { OPERATOR_RULES } from './rbac.js';

const DIR = join(ROOT, 'deploy/kubernetes');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const files = renderManifests({ version });

/**
 * deploy/kubernetes/ is generated. When src/spec/fields.ts changes, the CRD changes with it:
 * `GREENLIGHT_UPDATE_DEPLOY=1 npx vitest run src/platform/kubernetes/manifests.test.ts` rewrites the files.
 */
describe('deploy/kubernetes/', () => {
  it.each(Object.keys(files))('%s is up to date with `greenlight kube manifests`', (name) => {
    const path = join(DIR, name);
    if (process.env.GREENLIGHT_UPDATE_DEPLOY === '1') writeFileSync(path, files[name]);
    expect(existsSync(path), `${name} is missing; regenerate with GREENLIGHT_UPDATE_DEPLOY=1`).toBe(true);
    expect(
      readFileSync(path, 'utf8'),
      `${name} drifted from its generator; regenerate with GREENLIGHT_UPDATE_DEPLOY=1`,
    ).toBe(files[name]);
  });

  it('holds nothing the generator does not write', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(files).sort());
  });
});

describe('the manifests', () => {
  it('the CRD: v1alpha1, short name bgd, status subresource, the printer columns the issue names', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a test reads into the generated CRD's nested shape
    const crd = bgdCrd() as { metadata: { name: string }; spec: Record<string, any> };
    expect(crd.metadata.name).toBe('bluegreendeployments.mlops.greenlight.dev');
    expect(crd.spec.names.shortNames).toEqual(['bgd']);
    const [v] = crd.spec.versions;
    expect(v.name).toBe('v1alpha1');
    expect(v.subresources).toEqual({ status: {} });
    expect(v.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Active',
      'Phase',
      'Blue',
      'Green',
      'Age',
    ]);
    const spec = v.schema.openAPIV3Schema.properties.spec;
    expect(Object.keys(spec.properties)).toEqual(
      expect.arrayContaining(['blue', 'green', 'serviceName', 'validation', 'autoSwitch']),
    );
  });

  it('every object parses, and the RBAC grants no wildcard and no verb on secrets or configmaps', () => {
    for (const [name, text] of Object.entries(files)) {
      for (const doc of parseAllDocuments(text)) expect(doc.errors, name).toEqual([]);
    }
    for (const r of OPERATOR_RULES) {
      expect(r.verbs).not.toContain('*');
      expect(r.resources).not.toContain('*');
      expect(r.resources.some((x) => x === 'secrets' || x === 'configmaps')).toBe(false);
    }
    const reads = OPERATOR_RULES.filter(
      (r) => r.resources.includes('pods') || r.resources.includes('endpointslices'),
    );
    for (const r of reads) expect(r.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
  });

  it('the operator runs two replicas of `greenlight operator` with its audit volume', () => {
    const docs = parseAllDocuments(files['operator.yaml']).map((d) => d.toJS());
    const deploy = docs.find((d) => d.kind === 'Deployment');
    expect(deploy.spec.replicas).toBe(2);
    const [c] = deploy.spec.template.spec.containers;
    expect(c.args[0]).toBe('operator');
    const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim');
    expect(deploy.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
  });
});
