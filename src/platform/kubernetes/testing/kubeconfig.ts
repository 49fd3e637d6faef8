import { writeFileSync } from 'node:fs';

/**
 * A kubeconfig for a server at `url` (TLS, its certificate as the CA) with a bearer token: what kubectl (`--kubeconfig`),
 * client-node (`KubeConfig.loadFromFile`) and the Python client (`config.load_kube_config`) read.
 */
export function kubeconfigText(url: string, token: string, caPem: string, namespace = 'default'): string {
  return `apiVersion: v1
kind: Config
clusters:
  - name: emulated
    cluster:
      server: ${url}
      certificate-authority-data: ${Buffer.from(caPem).toString('base64')}
contexts:
  - name: emulated
    context:
      cluster: emulated
      user: emulated
      namespace: ${namespace}
current-context: emulated
users:
  - name: emulated
    user:
      token: ${token}
`;
}

export function writeKubeconfig(
  path: string,
  url: string,
  token: string,
  caPem: string,
  namespace?: string,
): string {
  writeFileSync(path, kubeconfigText(url, token, caPem, namespace), { mode: 0o600 });
  return path;
}
