import type { DeploymentSpec } from '../../spec/types.js';

const DAY = 86_400;

/** A complete spec for controller tests: blue v1, green v2, seed-like rules, a 7-day window. */
export function testSpec(overrides: { name?: string; blue?: string; green?: string } = {}): DeploymentSpec {
  const name = overrides.name ?? 'spam';
  return {
    apiVersion: 'mlops.greenlight.dev/v1alpha1',
    kind: 'BlueGreenDeployment',
    name,
    namespace: 'default',
    serviceName: 'model-server',
    blue: {
      deploymentName: `${name}-blue`,
      replicas: 2,
      modelVersion: overrides.blue ?? 'v1',
      model: '/m/v1.onnx',
      enabled: true,
    },
    green: {
      deploymentName: `${name}-green`,
      replicas: 2,
      modelVersion: overrides.green ?? 'v2',
      model: '/m/v2.onnx',
      enabled: true,
    },
    readyTimeoutSeconds: 300,
    warmupRequests: 3,
    validation: {
      enabled: true,
      gates: ['health', 'latency', 'schema', 'distribution', 'modelCard', 'agreement', 'resources'],
      source: 'shadow',
      shadowTrafficSampleSize: 150,
      agreementThreshold: 0.95,
      scoreTolerance: 0.05,
      maxDriftScore: 0.15,
      healthCheckWaitSeconds: 30,
      healthCheckRetries: 5,
      latency: { maxRegressionRatio: 1.2, concurrency: 4, durationSeconds: 5, warmupRequests: 20 },
      distribution: {
        decideBy: ['psi', 'wasserstein'],
        psiThreshold: 0.25,
        ksPValue: 0.01,
        chi2PValue: 0.01,
        jsThreshold: 0.1,
        wassersteinThreshold: 0.15,
        bins: 10,
      },
      sprt: { alpha: 0.05, beta: 0.05, indifference: 0.02 },
      resources: { maxRatioToBlue: 1.5 },
      minSliceSamples: 30,
      maxDisagreementExamples: 10,
      timeoutSeconds: 300,
    },
    autoSwitch: { enabled: true, switchAfterValidationPasses: true, switchDelaySeconds: 5 },
    observation: {
      window: 7 * DAY,
      rollbackOnAlert: true,
      source: 'metrics',
      intervalSeconds: 10,
      rules: {
        latencyRegression: { enabled: true, ratio: 1.2, forSeconds: 120 },
        errorRate: { enabled: true, threshold: 0.01, forSeconds: 60 },
        notReady: { enabled: true, forSeconds: 60 },
        confidenceShift: { enabled: true, psiThreshold: 0.25, forSeconds: 120 },
      },
    },
    teardown: { maxGreenErrors: 100, drainTimeoutSeconds: 30, stopTimeoutSeconds: 10 },
    observability: { metricsPort: 9090 },
  };
}
