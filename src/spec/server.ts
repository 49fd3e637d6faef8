import type { ColorSpec, DeploymentSpec, OutputSpec, ProtocolName, ServerSpec } from './types.js';

/** Each protocol's probes as its servers answer them (KServe/MLServer/Triton: OIP v2 health API). */
export function protocolDefaults(protocol: ProtocolName, modelName = 'model'): ServerSpec {
  switch (protocol) {
    case 'greenlight':
      return {
        protocol,
        modelName,
        health: { path: '/health', status: 200 },
        readiness: { path: '/ready', status: 200 },
      };
    case 'oip-v2':
      return {
        protocol,
        modelName,
        health: { path: '/v2/health/live', status: 200 },
        readiness: { path: '/v2/health/ready', status: 200 },
      };
    case 'tfserving':
      // TF Serving's model status API; AVAILABLE once the version is loaded.
      return {
        protocol,
        modelName,
        health: { path: `/v1/models/${modelName}`, status: 200 },
        readiness: {
          path: `/v1/models/${modelName}`,
          status: 200,
          jsonField: 'model_version_status[0].state',
          equals: 'AVAILABLE',
        },
      };
    case 'kserve-v1':
      return {
        protocol,
        modelName,
        health: { path: '/', status: 200 },
        readiness: { path: `/v1/models/${modelName}`, status: 200, jsonField: 'ready', equals: true },
      };
    case 'http-json':
      return {
        protocol,
        modelName,
        health: { path: '/health', status: 200 },
        readiness: { path: '/health', status: 200 },
      };
  }
}

/** The slot's server section; greenlight's own protocol when a fixture left it out. */
export function serverOf(color: ColorSpec): ServerSpec {
  return color.server ?? protocolDefaults('greenlight');
}

export const DEFAULT_OUTPUT: OutputSpec = {
  kind: 'label',
  probabilityTolerance: 0.05,
  absTolerance: 1e-6,
  relTolerance: 1e-4,
};

/** How predictions are compared; labels when a fixture left it out. */
export function outputOf(spec: Pick<DeploymentSpec, 'output'>): OutputSpec {
  return spec.output ?? DEFAULT_OUTPUT;
}
