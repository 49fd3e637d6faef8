/**
 * The BlueGreenDeployment spec after parsing and defaulting: every field is present.
 * Field names follow the seed (blue, green, serviceName, validation.*, autoSwitch.*,
 * observability.*) plus the sections it left implicit (observation, teardown).
 * Durations are seconds here; the YAML accepts numbers (seconds) or strings like "30s", "2m", "7d".
 * Paths are absolute here; the YAML's are relative to the spec file.
 */
export type Color = 'blue' | 'green';

export const COLORS: readonly Color[] = ['blue', 'green'];

/** The other slot. */
export function otherColor(c: Color): Color {
  return c === 'blue' ? 'green' : 'blue';
}

/** One slot: which model version runs there and how. */
export interface ColorSpec {
  deploymentName: string;
  replicas: number;
  modelVersion: string;
  /** Local platform: absolute path of the ONNX file. */
  model?: string;
  /** Kubernetes platform: container image and the model's path inside it. */
  image?: string;
  modelPath?: string;
  /** Absolute path of the model card (YAML); required for a candidate when the card gate is on. */
  modelCard?: string;
  /** Seed: "only deploy green if true". A disabled color is never rolled out as a candidate. */
  enabled: boolean;
  /**
   * Local platform: the user's own server, one child process per replica. argv; every `{port}`
   * is replaced by the replica's port (and `{version}` by modelVersion). Exclusive with `model`.
   */
  command?: string[];
  /** Extra environment for `command` (local) or the container (kubernetes). */
  env?: Record<string, string>;
  /** Absolute working directory for `command` (the YAML's is relative to the spec file). */
  cwd?: string;
  /** Kubernetes platform: container arguments. */
  args?: string[];
  /**
   * How greenlight talks to this slot's server, resolved at parse time: the slot's `server`
   * over the spec's `server` over the protocol's defaults. Read it with `serverOf(colorSpec)`;
   * absent only in hand-built test fixtures (then greenlight's own protocol).
   */
  server?: ServerSpec;
}

/** How greenlight speaks to a model server (docs: "Bring your own model server"). */
export type ProtocolName = 'greenlight' | 'oip-v2' | 'tfserving' | 'kserve-v1' | 'http-json';

/** What one prediction is, so the gates compare like with like. */
export type OutputKind = 'label' | 'probabilities' | 'regression';

/** An HTTP check of a server: GET `path` answers `status`, and optionally a JSON field equals a value. */
export interface ProbeSpec {
  path: string;
  status: number;
  /** A path into the JSON body ("status", "model.state", "items[0].ready"). */
  jsonField?: string;
  equals?: string | number | boolean;
}

/**
 * Where the prediction is in a JSON answer: paths like "predictions[0].label" or
 * "outputs[0].data". `probabilities` names a vector; `classes` (or "0", "1", …) names its entries
 * and the label is the argmax. `value` is a regression output.
 */
export interface ResponseMapping {
  label?: string;
  score?: string;
  probabilities?: string;
  classes?: string[];
  value?: string;
}

export interface ServerSpec {
  protocol: ProtocolName;
  /** OIP v2, TF Serving and KServe v1: the model's name in the URL (default "model"). */
  modelName: string;
  /** Alive (greenlight /health, OIP /v2/health/live, …). */
  health: ProbeSpec;
  /** Ready to take traffic (greenlight /ready, OIP /v2/health/ready, …). */
  readiness: ProbeSpec;
  /**
   * http-json (and a path override for the others): where a sample goes. `template` is the JSON
   * body with the string "$input" where the sample's input goes (absent: the input is the body).
   */
  request?: { method: 'POST' | 'PUT'; path: string; template?: unknown };
  /** http-json (and an override for the others): where the prediction is in the answer. */
  response?: ResponseMapping;
}

/** How two predictions are compared (the same for both slots: their kinds must match). */
export interface OutputSpec {
  kind: OutputKind;
  /** probabilities: top-1 must agree, or the vectors' total-variation distance is within this. */
  probabilityTolerance: number;
  /** regression: agreement = |a − b| <= absTolerance + relTolerance × |a|. */
  absTolerance: number;
  relTolerance: number;
}

export interface LatencySpec {
  /** SLA in milliseconds; undefined = no absolute bound on that percentile. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  /** Green P95 must be <= ratio × blue P95 (seed alert: 1.2). */
  maxRegressionRatio: number;
  /** Load generated against each color during the latency gate. */
  concurrency: number;
  durationSeconds: number;
  /** Requests sent first and excluded from the histogram. */
  warmupRequests: number;
  /** Paired rounds measured before the first decision (durationSeconds is spread over them); default 8. */
  minRounds?: number;
  /** Rounds added, 4 at a time, while the ratio's interval straddles the limit; then inconclusive; default 20. */
  maxRounds?: number;
}

export type DriftStatistic = 'psi' | 'ks' | 'wasserstein' | 'js' | 'chi2';

export interface DistributionSpec {
  /** Which statistics decide the gate (the others are reported only). */
  decideBy: DriftStatistic[];
  /** PSI: 0.1 moderate, 0.25 significant (practice). Fails above psiThreshold. */
  psiThreshold: number;
  /** KS and chi-square fail when p < these. */
  ksPValue: number;
  chi2PValue: number;
  /** Jensen-Shannon distance (base 2) threshold. */
  jsThreshold: number;
  /** Normalised Wasserstein distance threshold; defaults to the seed's maxDriftScore (0.15). */
  wassersteinThreshold: number;
  /** Bins for PSI/JS on scores in [0,1]. */
  bins: number;
}

export interface SprtSpec {
  /** Probability of passing a green whose agreement is <= threshold - indifference. */
  alpha: number;
  /** Probability of failing a green whose agreement is >= threshold + indifference. */
  beta: number;
  /** Half-width of the indifference zone around agreementThreshold. */
  indifference: number;
}

export interface ResourcesSpec {
  /** Absolute budgets for green; undefined = none. */
  maxRssMb?: number;
  maxCpuPercent?: number;
  /** Green may use at most ratio × blue's RSS and CPU. */
  maxRatioToBlue: number;
}

export type GateName =
  | 'health'
  | 'latency'
  | 'schema'
  | 'distribution'
  | 'modelCard'
  | 'agreement'
  | 'resources';

export interface ValidationSpec {
  enabled: boolean;
  /** Which gates run (default: all seven). */
  gates: GateName[];
  /** Where comparison pairs come from: replay the samples file, live shadow traffic, or both. */
  source: 'samples' | 'shadow' | 'both';
  /** Absolute path of a samples JSONL file. */
  samples?: string;
  /** Cap on compared pairs (seed: 150). Reaching it undecided gives `inconclusive`. */
  shadowTrafficSampleSize: number;
  /** Seed: 0.95. The Wilson lower bound of agreement must reach it. */
  agreementThreshold: number;
  /** Seed: scores within 0.05 count as agreement when labels differ. */
  scoreTolerance: number;
  /** Seed: 0.15. */
  maxDriftScore: number;
  healthCheckWaitSeconds: number;
  healthCheckRetries: number;
  latency: LatencySpec;
  distribution: DistributionSpec;
  sprt: SprtSpec;
  resources: ResourcesSpec;
  /** The gate may not pass while a slice has fewer pairs (inconclusive, naming the slice). */
  minSliceSamples: number;
  /** Slices that may pass with fewer than minSliceSamples pairs (still failed when significantly bad). */
  exemptSlices?: string[];
  /** Seed of the replay order (stratified by slice; a different seed, a different fair order). */
  seed?: number;
  /**
   * Non-deterministic models: judge agreement against the baseline's own self-agreement,
   * measured by asking it twice (`repeat`) or asking two of its replicas (`replicas`). Default off.
   */
  selfAgreement?: 'off' | 'repeat' | 'replicas';
  /** How many disagreeing examples to keep as evidence. */
  maxDisagreementExamples: number;
  /** Overall deadline for sampling pairs (live shadow traffic may be slow). */
  timeoutSeconds: number;
}

export interface AutoSwitchSpec {
  enabled: boolean;
  switchAfterValidationPasses: boolean;
  switchDelaySeconds: number;
}

export interface ObservationRulesSpec {
  /** Seed GreenLatencyRegression: green P95 > ratio × blue's baseline P95, for `for` seconds. */
  latencyRegression: { enabled: boolean; ratio: number; forSeconds: number };
  /** Seed GreenHighErrorRate: green error ratio > threshold, for `for` seconds. */
  errorRate: { enabled: boolean; threshold: number; forSeconds: number };
  /** Green has no ready replica, for `for` seconds. */
  notReady: { enabled: boolean; forSeconds: number };
  /** Prediction-confidence distribution shift from blue's baseline (PSI), for `for` seconds. */
  confidenceShift: { enabled: boolean; psiThreshold: number; forSeconds: number };
}

/** One step of a staged rollout (spec.rollout.steps). */
export interface RolloutStepSpec {
  /** Percent of user traffic sent to the candidate, 1..100; 100 is the switch. */
  weight: number;
  /** How long the step is watched before the next; absent = until `greenlight promote`. */
  pauseSeconds?: number;
}

export interface RolloutSpec {
  /** Increasing weights; a last step of 100 is implied when absent. Empty: one atomic switch. */
  steps: RolloutStepSpec[];
}

export interface ObservationSpec {
  /** Seconds after the switch before blue may be torn down (seed: 2–7 days; default 7 days). */
  window: number;
  rollbackOnAlert: boolean;
  /** Where rules read their signals: in-process metrics from the router and servers, or a Prometheus server. */
  source: 'metrics' | 'prometheus';
  prometheusUrl?: string;
  /** How often rules are evaluated. */
  intervalSeconds: number;
  /** After the switch, keep only this many warm replicas of the previous slot (scaled back up on rollback). */
  baselineReplicas?: number;
  rules: ObservationRulesSpec;
}

export interface TeardownSpec {
  /** Seed cleanup-blue.sh: abort teardown when green logged more errors than this in the window. */
  maxGreenErrors: number;
  /** Wait at most this long for the old color's in-flight requests before stopping it. */
  drainTimeoutSeconds: number;
  /** SIGTERM, then SIGKILL after this many seconds. */
  stopTimeoutSeconds: number;
}

export interface ObservabilitySpec {
  metricsPort: number;
  /** Absolute path of the JSON-lines event log. */
  logsPath?: string;
  /** Filled by the parser; absent in specs stored before it existed. */
  requestLog?: RequestLogSpec;
}

/** spec.observability.requestLog: the router's per-request log (docs/observability.md). */
export interface RequestLogSpec {
  enabled: boolean;
  /** 0..1 */
  sampleRate: number;
  /** Absolute; absent = `<data dir>/logs/requests.jsonl`. */
  path?: string;
  maxBytes: number;
  keep: number;
}

export interface DeploymentSpec {
  apiVersion: string;
  kind: 'BlueGreenDeployment';
  /** metadata.name */
  name: string;
  /**
   * spec.platform as written: which platform the spec targets (local needs `model` per slot,
   * kubernetes `image`). Absent = decided by who runs it (`greenlight up` local, the operator kubernetes).
   */
  platform?: 'local' | 'kubernetes';
  namespace: string;
  serviceName: string;
  blue: ColorSpec;
  green: ColorSpec;
  /** Seconds a deployed color has to become ready (seed wait_for_green_ready: 300). */
  readyTimeoutSeconds: number;
  /** Warm-up requests sent to each new replica before validation. */
  warmupRequests: number;
  /** How predictions are compared; absent only in hand-built fixtures (then `label`). Read with `outputOf(spec)`. */
  output?: OutputSpec;
  validation: ValidationSpec;
  autoSwitch: AutoSwitchSpec;
  /** Staged rollout; absent (hand-built fixtures) or no steps = one atomic switch. */
  rollout?: RolloutSpec;
  observation: ObservationSpec;
  teardown: TeardownSpec;
  observability: ObservabilitySpec;
}
