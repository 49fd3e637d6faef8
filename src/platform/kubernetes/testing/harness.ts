import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiServerOptions, type EmulatedApiServer, startApiServer } from './api-server.js';

/** An emulated server with a kubeconfig file for it in a fresh temporary directory. */
export interface EmulatedCluster {
  server: EmulatedApiServer;
  kubeconfig: string;
  dir: string;
  close(): Promise<void>;
}

export async function startEmulatedCluster(
  options: ApiServerOptions = {},
  namespace = 'default',
): Promise<EmulatedCluster> {
  const server = await startApiServer(options);
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-kube-'));
  const kubeconfig = server.writeKubeconfig(join(dir, 'kubeconfig'), namespace);
  return {
    server,
    kubeconfig,
    dir,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A small CRD for tests of custom-resource behaviour: `widgets.test.greenlight.dev`, namespaced,
 * with a status subresource, a printer column and a schema with one bounded field.
 */
export function widgetCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.test.greenlight.dev' },
    spec: {
      group: 'test.greenlight.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Phase', type: 'string', jsonPath: '.status.phase' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string' } },
                  required: ['size'],
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}
