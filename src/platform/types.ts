import type { Color, ColorSpec } from '../spec/types.js';

/** One running model server replica. */
export interface Replica {
  /** Stable id within the platform (local: "blue-0"; kubernetes: pod name). */
  id: string;
  /** Base URL the router forwards to, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Local platform: the process id (for resource readings and adoption). */
  pid?: number;
}

/** What a color is running, as the platform sees it now. */
export interface ColorState {
  color: Color;
  /** Deployment name and model version running there; undefined when nothing runs. */
  deploymentName?: string;
  modelVersion?: string;
  replicas: Replica[];
  /** Replicas whose /ready answered 200 at the last look. */
  readyReplicas: number;
  /**
   * Why replicas are missing or not ready, one line each (e.g. "green-0 exited: cannot load model …"),
   * so a rollout that fails on readiness can say why. Absent when there is nothing to report.
   */
  problems?: string[];
}

/** CPU and memory of one color, read from the operating system (local) or metrics (kubernetes). */
export interface ResourceUsage {
  rssBytes: number;
  /** Average CPU over the sampling interval, percent of one core, summed over replicas. */
  cpuPercent: number;
}

/**
 * Where model servers run. Implemented by local/ (child processes), kubernetes/ (Deployments)
 * and fake/ (controller tests). Every method is safe to repeat: the controller may be killed
 * between any two calls and run the same step again.
 */
export interface Platform {
  readonly kind: 'local' | 'kubernetes' | 'fake';
  /**
   * Start (or keep, if it already runs the same version) `spec.replicas` servers for `color`. With
   * the same version and a different count it scales: fewer keeps the first `spec.replicas` (in
   * `status` order) and stops the rest gracefully; more keeps the running and starts the missing.
   */
  deploy(deployment: string, color: Color, spec: ColorSpec): Promise<ColorState>;
  /** What runs in `color` now (after a control-plane restart: what it adopted). */
  status(deployment: string, color: Color): Promise<ColorState>;
  /** Stop every replica of `color` gracefully (SIGTERM, deadline, SIGKILL). Idempotent. */
  teardown(deployment: string, color: Color, stopTimeoutSeconds: number): Promise<void>;
  /** Resource usage of `color`, sampled over `sampleMs`. */
  resources(deployment: string, color: Color, sampleMs: number): Promise<ResourceUsage>;
}
