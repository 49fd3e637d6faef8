import { bool, duration, type Field, int, list, map, num, obj, path, str } from './field.js';
import { output, server } from './server-fields.js';
import { defaultValidationSpec } from './validation-defaults.js';

/** The only apiVersion this release reads. */
export const API_VERSION = 'mlops.greenlight.dev/v1alpha1';
export const KIND = 'BlueGreenDeployment';

// Go's RE2 validates CRD patterns on the API server: no lookaheads, so length is in the pattern.
const DNS_LABEL = {
  source: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  means: 'lowercase letters, digits and "-", at most 63 characters (a Kubernetes name)',
};

// Validation defaults are owned by the validation part (the seed's values where it gives them);
// `greenlight validate` without a spec and a spec without a validation section thereby agree.
const V = defaultValidationSpec();
const GATES = V.gates;
const DRIFT_STATISTICS = ['psi', 'ks', 'wasserstein', 'js', 'chi2'] as const;

const NOT_BLANK = { source: '\\S', means: 'not empty' };

const color = (which: string): Field =>
  obj(
    `The ${which} slot: which model version runs there and how.`,
    {
      deploymentName: str('Name of the slot\'s deployment; default "<metadata.name>-<color>".', {
        optional: true,
        pattern: DNS_LABEL,
      }),
      replicas: int('Model server replicas in this slot (seed: 3).', { min: 1, max: 64, default: 3 }),
      modelVersion: str('Model version label, e.g. "v2"; carried in every response as x-model-version.'),
      model: path('Local platform: the ONNX model file (relative to the spec file).', { optional: true }),
      image: str('Kubernetes platform: container image of the model server.', { optional: true }),
      modelPath: str('Kubernetes platform: path of the model file inside the image.', { optional: true }),
      modelCard: path('Model card (YAML) for the model card gate (relative to the spec file).', {
        optional: true,
      }),
      enabled: bool('Seed: "only deploy green if true". A disabled slot is never rolled out.', {
        default: true,
      }),
      command: list(
        'Local platform: run your own server, one process per replica; "{port}" and "{version}" are substituted.',
        str('argument', { pattern: NOT_BLANK }),
        { optional: true, minItems: 1 },
      ),
      env: map(
        "Environment for `command` (local) or the container (kubernetes), over greenlight's own.",
        str('value'),
        {
          optional: true,
        },
      ),
      cwd: path('Local platform: working directory of `command` (relative to the spec file).', {
        optional: true,
      }),
      args: list('Kubernetes platform: container arguments.', str('argument'), { optional: true }),
      server: server("How greenlight talks to this slot's server; overrides spec.server key by key."),
    },
    { required: true },
  );

const forDuration = (doc: string, seconds: number) => duration(doc, { default: seconds, as: 'forSeconds' });

/** spec.validation: also what `greenlight validate` checks its thresholds against (validation-problems.ts). */
export const VALIDATION = obj('Checks a candidate must pass before any user request reaches it.', {
  enabled: bool('Run validation at all (off = switch on readiness alone).', { default: V.enabled }),
  gates: list(
    'Gates to run (default: all seven; without a green modelCard, all but modelCard).',
    str('gate', { enum: GATES }),
    { optional: true, unique: true },
  ),
  source: str('Where comparison pairs come from; default "both" when samples is set, else "shadow".', {
    enum: ['samples', 'shadow', 'both'],
    optional: true,
  }),
  samples: path('Samples file (JSON lines: {"text", "expected_label"?, "slice"?}) to replay.', {
    optional: true,
  }),
  shadowTrafficSampleSize: int('Cap on compared pairs (seed: 150).', {
    min: 1,
    default: V.shadowTrafficSampleSize,
  }),
  // 1 can never be reached by a Wilson lower bound and 0 passes anything: neither is a test.
  agreementThreshold: num('Seed: 0.95. The Wilson lower bound of agreement must reach it.', {
    min: 0,
    max: 1,
    exclusiveMin: true,
    exclusiveMax: true,
    default: V.agreementThreshold,
  }),
  scoreTolerance: num('Scores this close count as agreement when labels differ (seed: 0.05).', {
    min: 0,
    max: 1,
    default: V.scoreTolerance,
  }),
  maxDriftScore: num('Seed: 0.15. Default Wasserstein threshold on scores.', {
    min: 0,
    max: 1,
    exclusiveMin: true,
    default: V.maxDriftScore,
  }),
  healthCheckWaitSeconds: duration('Seed: 30. Wait between health check attempts.', {
    positive: true,
    default: V.healthCheckWaitSeconds,
  }),
  healthCheckRetries: int('Seed: 5.', { min: 1, default: V.healthCheckRetries }),
  latency: obj('Latency gate: SLA and regression against the active color.', {
    p50Ms: num('P50 SLA in ms.', { min: 0, exclusiveMin: true, optional: true }),
    p95Ms: num('P95 SLA in ms.', { min: 0, exclusiveMin: true, optional: true }),
    p99Ms: num('P99 SLA in ms.', { min: 0, exclusiveMin: true, optional: true }),
    // Below 1 a candidate as fast as the active color fails about half the time: no regression test.
    maxRegressionRatio: num('Candidate P95 <= ratio x active P95 (seed alert: 1.2).', {
      min: 1,
      default: V.latency.maxRegressionRatio,
    }),
    concurrency: int('Concurrent requests during the latency gate.', {
      min: 1,
      max: 1024,
      default: V.latency.concurrency,
    }),
    durationSeconds: duration('Load duration per color.', {
      positive: true,
      default: V.latency.durationSeconds,
    }),
    warmupRequests: int('Requests sent first and not measured.', {
      min: 0,
      default: V.latency.warmupRequests,
    }),
    minRounds: int(
      'Paired baseline/candidate rounds before the first decision (durationSeconds is spread over them).',
      {
        min: 5,
        default: V.latency.minRounds,
      },
    ),
    maxRounds: int('Rounds added 4 at a time while the interval straddles the limit; then inconclusive.', {
      min: 5,
      default: V.latency.maxRounds,
    }),
  }),
  distribution: obj('Output distribution gate.', {
    decideBy: list(
      'Statistics that decide the gate; the others are reported.',
      str('statistic', { enum: DRIFT_STATISTICS }),
      {
        default: V.distribution.decideBy,
        unique: true,
      },
    ),
    psiThreshold: num('PSI above this fails (0.1 moderate, 0.25 significant).', {
      min: 0,
      exclusiveMin: true,
      default: V.distribution.psiThreshold,
    }),
    ksPValue: num('KS fails when p is below this.', {
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: true,
      default: V.distribution.ksPValue,
    }),
    chi2PValue: num('Chi-square on labels fails when p is below this.', {
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: true,
      default: V.distribution.chi2PValue,
    }),
    jsThreshold: num('Jensen-Shannon distance (base 2) threshold.', {
      min: 0,
      max: 1,
      exclusiveMin: true,
      default: V.distribution.jsThreshold,
    }),
    wassersteinThreshold: num('Wasserstein distance threshold; default maxDriftScore.', {
      min: 0,
      max: 1,
      exclusiveMin: true,
      optional: true,
    }),
    bins: int('Histogram bins on scores in [0,1].', { min: 2, max: 1000, default: V.distribution.bins }),
  }),
  sprt: obj(
    'Sequential test that stops sampling early once agreement is clearly above or below the threshold.',
    {
      alpha: num('Chance of passing a candidate below threshold - indifference.', {
        min: 0,
        max: 0.5,
        exclusiveMin: true,
        default: V.sprt.alpha,
      }),
      beta: num('Chance of failing a candidate above threshold + indifference.', {
        min: 0,
        max: 0.5,
        exclusiveMin: true,
        default: V.sprt.beta,
      }),
      indifference: num('Half-width of the indifference zone.', {
        min: 0,
        max: 0.5,
        exclusiveMin: true,
        default: V.sprt.indifference,
      }),
    },
  ),
  resources: obj('Resources gate: candidate memory and CPU.', {
    maxRssMb: num('Absolute memory budget per replica (MB).', { min: 0, exclusiveMin: true, optional: true }),
    maxCpuPercent: num('Absolute CPU budget per replica (percent of one core).', {
      min: 0,
      exclusiveMin: true,
      optional: true,
    }),
    maxRatioToBlue: num("Candidate may use at most ratio x the active color's RSS and CPU.", {
      min: 1,
      default: V.resources.maxRatioToBlue,
    }),
  }),
  minSliceSamples: int('The agreement gate may not pass while a slice has fewer pairs.', {
    min: 1,
    default: V.minSliceSamples,
  }),
  exemptSlices: list(
    'Slices that may pass with fewer than minSliceSamples pairs (still failed when significantly bad).',
    str('slice'),
    { default: V.exemptSlices, unique: true },
  ),
  seed: int('Seed of the replay order (stratified by slice, independent of the file order).', {
    min: 0,
    default: V.seed,
  }),
  selfAgreement: str(
    "Non-deterministic models: hold the candidate to the baseline's own agreement, measured by asking it twice (repeat) or two replicas (replicas).",
    { enum: ['off', 'repeat', 'replicas'], default: V.selfAgreement },
  ),
  maxDisagreementExamples: int('Disagreeing examples kept as evidence.', {
    min: 0,
    default: V.maxDisagreementExamples,
  }),
  timeoutSeconds: duration('Deadline for collecting pairs.', { positive: true, default: V.timeoutSeconds }),
});

const spec = obj(
  'What to deploy and how to decide.',
  {
    platform: str('Where it runs; default: kubernetes when the slots name an image, else local.', {
      enum: ['local', 'kubernetes'],
      optional: true,
    }),
    namespace: str('Kubernetes namespace (seed: production); default metadata.namespace, else "default".', {
      optional: true,
      pattern: DNS_LABEL,
    }),
    serviceName: str('Service whose traffic is switched; default metadata.name.', {
      optional: true,
      pattern: DNS_LABEL,
    }),
    blue: color('blue'),
    green: color('green'),
    server: server("How greenlight talks to both slots' servers (protocol, probes, request, response)."),
    output,
    readyTimeoutSeconds: duration('Time a deployed slot has to become ready (seed: 300).', { default: 300 }),
    warmupRequests: int('Warm-up requests sent to each new replica before validation.', {
      min: 0,
      default: 20,
    }),
    validation: VALIDATION,
    autoSwitch: obj('Switching once validation passes (seed section).', {
      enabled: bool('Switch without an operator (off = wait for `greenlight promote`).', { default: true }),
      switchAfterValidationPasses: bool('Seed: switch only after validation passed.', { default: true }),
      switchDelaySeconds: duration('Seed: 60. Wait after validation passes before switching.', {
        default: 60,
      }),
    }),
    rollout: obj('Staged rollout: after validation, user traffic moves to the candidate in steps.', {
      steps: list(
        'Steps in order, e.g. [{weight: 10, pause: 5m}, {weight: 50, pause: 10m}, {weight: 100}]; none = one switch.',
        obj('One step.', {
          weight: int('Percent of user traffic to the candidate; increasing, 100 (the switch) last.', {
            min: 1,
            max: 100,
          }),
          pause: duration('How long the step is watched; absent = until `greenlight promote`.', {
            optional: true,
            as: 'pauseSeconds',
          }),
        }),
        { default: [] },
      ),
    }),
    observation: obj('After the switch: rules watch the new active color, the old one stays warm.', {
      window: duration('How long to observe before tearing the old color down (seed: 2-7 days).', {
        default: 7 * 86400,
      }),
      rollbackOnAlert: bool('Roll back automatically when a rule is breached.', { default: true }),
      source: str('Where rules read signals.', { enum: ['metrics', 'prometheus'], default: 'metrics' }),
      prometheusUrl: str('Prometheus base URL when source is prometheus.', {
        optional: true,
        pattern: { source: '^https?://', means: 'an http:// or https:// URL' },
      }),
      intervalSeconds: duration('How often rules are evaluated.', { default: 5 }),
      baselineReplicas: int('Scale the previous slot down to this many warm replicas after the switch.', {
        min: 1,
        max: 64,
        optional: true,
      }),
      rules: obj("The seed's alerts, each breached only after holding for its `for` duration.", {
        latencyRegression: obj("Seed GreenLatencyRegression: P95 above ratio x the old color's baseline.", {
          enabled: bool('Evaluate this rule.', { default: true }),
          ratio: num('Allowed P95 ratio.', { min: 0, exclusiveMin: true, default: 1.2 }),
          for: forDuration('How long the breach must hold.', 120),
        }),
        errorRate: obj('Seed GreenHighErrorRate: error ratio above threshold.', {
          enabled: bool('Evaluate this rule.', { default: true }),
          threshold: num('Error ratio.', { min: 0, max: 1, default: 0.01 }),
          for: forDuration('How long the breach must hold.', 60),
        }),
        notReady: obj('No ready replica in the active color.', {
          enabled: bool('Evaluate this rule.', { default: true }),
          for: forDuration('How long the breach must hold.', 60),
        }),
        confidenceShift: obj("Prediction confidence distribution moved from the old color's baseline.", {
          enabled: bool('Evaluate this rule.', { default: true }),
          psiThreshold: num('PSI above this is a shift.', { min: 0, default: 0.25 }),
          for: forDuration('How long the breach must hold.', 120),
        }),
      }),
    }),
    teardown: obj('Removing the old color after the observation window (seed cleanup-blue.sh).', {
      maxGreenErrors: int('Abort teardown when the new color logged more errors than this.', {
        min: 0,
        default: 100,
      }),
      drainTimeoutSeconds: duration('Wait this long for in-flight requests before stopping.', {
        default: 30,
      }),
      stopTimeoutSeconds: duration('SIGTERM, then SIGKILL after this long.', { default: 10 }),
    }),
    observability: obj('Seed section.', {
      metricsPort: int('Prometheus metrics port of the control plane.', {
        min: 1,
        max: 65535,
        default: 9090,
      }),
      logsPath: path('JSON-lines event log (relative to the spec file).', { optional: true }),
      requestLog: obj(
        "The seed's request log: one JSON line per (sampled) request, written by the router off the request path.",
        {
          enabled: bool('Write the request log.', { default: false }),
          sampleRate: num('Fraction of requests logged.', { min: 0, max: 1, default: 1 }),
          path: path('The log file (relative to the spec file); default <data dir>/logs/requests.jsonl.', {
            optional: true,
          }),
          maxBytes: int('Rotate the file at this size (bytes).', { min: 4096, default: 64 * 1024 * 1024 }),
          keep: int('Rotated files kept (path.1 … path.keep).', { min: 0, max: 100, default: 5 }),
        },
      ),
    }),
  },
  { required: true },
);

/** The whole YAML document: the one description the checker and the JSON Schema both read. */
export const DOCUMENT = obj('A greenlight BlueGreenDeployment.', {
  apiVersion: str('API version.', { enum: [API_VERSION] }),
  kind: str('Kind.', { enum: [KIND] }),
  metadata: obj(
    'Kubernetes-style metadata; other keys (labels, uid, …) are kept and ignored.',
    {
      name: str('Deployment name.', { pattern: DNS_LABEL }),
      namespace: str('Namespace.', { optional: true, pattern: DNS_LABEL }),
    },
    { required: true, open: true },
  ),
  spec,
  status: obj('Written by the operator on Kubernetes; ignored here.', {}, { open: true, optional: true }),
});
