import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary =
  'print or write the Kubernetes manifests: CRD, RBAC, operator Deployment, PrometheusRule';
export const usage = `greenlight kube manifests [--out DIR] [--namespace N] [--image IMAGE]

The BlueGreenDeployment CRD (mlops.greenlight.dev/v1alpha1, short name bgd; its schema generated
from the same spec description \`greenlight spec check\` uses), least-privilege RBAC for the operator,
the operator Deployment (two replicas, leader election, a PVC for the audit log) and the PrometheusRule.
The checked-in deploy/kubernetes/ is this output with the defaults.
  --out DIR        write one file per kind into DIR (crd.yaml, namespace.yaml, operator.yaml,
                   prometheusrule.yaml, rbac.yaml) instead of printing them as one YAML stream
  --namespace N    the operator's namespace (default greenlight-system)
  --image IMAGE    the operator's image (default ghcr.io/greenlight-dev/greenlight:<version>)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    out: { type: 'string' },
    namespace: { type: 'string' },
    image: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(values.namespace)) {
    throw new UsageError(
      `--namespace expects a Kubernetes name (lowercase letters, digits, "-"), got ${JSON.stringify(values.namespace)}`,
    );
  }
  const { renderManifests } = await import('../../platform/kubernetes/manifests.js');
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const files = renderManifests({ namespace: values.namespace, image: values.image, version: pkg.version });
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(values.out, name), text);
    console.log(
      `wrote ${Object.keys(files)
        .map((f) => join(values.out!, f))
        .join(', ')}`,
    );
  } else {
    process.stdout.write(Object.values(files).join('---\n'));
  }
  return 0;
}
