import type { V1Deployment, V1OwnerReference } from '@kubernetes/client-node';
import { serverOf } from '../../spec/server.js';
import type { Color, ColorSpec } from '../../spec/types.js';

/** The port the model server container listens on. */
export const CONTAINER_PORT = 8080;

/** Labels of a slot's Deployment and pods: the seed's `app` and `version` (= color), plus greenlight's own. */
export function slotLabels(deployment: string, color: Color): Record<string, string> {
  return {
    app: deployment,
    version: color,
    'greenlight.dev/deployment': deployment,
    'greenlight.dev/color': color,
  };
}

export const MODEL_VERSION_LABEL = 'greenlight.dev/model-version';

/** The label selector (string form) of a slot's pods. */
export function slotSelector(deployment: string, color: Color): string {
  return `greenlight.dev/deployment=${deployment},greenlight.dev/color=${color}`;
}

/**
 * The Deployment that runs one slot: the slot's image, args (default: `greenlight serve` of the
 * model inside the image), env and replicas, readiness and liveness probes from the slot's server
 * section, owned by the BlueGreenDeployment when `owner` is given so deleting it cleans up.
 */
export function slotDeployment(
  deployment: string,
  color: Color,
  spec: ColorSpec,
  owner?: V1OwnerReference,
): V1Deployment {
  const labels = slotLabels(deployment, color);
  const server = serverOf(spec);
  const args = spec.args ?? [
    'serve',
    '--model',
    spec.modelPath ?? '/models/model.onnx',
    '--version',
    spec.modelVersion,
    '--port',
    String(CONTAINER_PORT),
  ];
  const probe = (path: string) => ({ httpGet: { path, port: CONTAINER_PORT }, periodSeconds: 5 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: spec.deploymentName,
      labels: { ...labels, [MODEL_VERSION_LABEL]: spec.modelVersion },
      ...(owner && { ownerReferences: [owner] }),
    },
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, [MODEL_VERSION_LABEL]: spec.modelVersion } },
        spec: {
          containers: [
            {
              name: 'model-server',
              image: spec.image ?? 'ghcr.io/greenlight-dev/greenlight:latest',
              args,
              env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
              ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
              readinessProbe: probe(server.readiness.path),
              livenessProbe: probe(server.health.path),
            },
          ],
        },
      },
    },
  };
}
