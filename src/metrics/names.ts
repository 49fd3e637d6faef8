/**
 * The single list of metric names greenlight exports, with the labels each carries. The rule
 * generator, the Prometheus signal source and the Grafana dashboard build their PromQL from these
 * constants, and tests check every name used in generated expressions against this list — so an
 * alert can never watch a metric nobody emits (the seed's rules did).
 *
 * Histograms export `_bucket`, `_sum` and `_count` series; `seriesNames()` expands them.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Who emits a metric. `prometheus` = synthesized by the server (`up`); `kube-state-metrics` = Kubernetes only. */
export type MetricSource =
  | 'model-server'
  | 'router'
  | 'controller'
  | 'signals'
  | 'prometheus'
  | 'kube-state-metrics';

export interface MetricName {
  name: string;
  type: MetricType;
  source: MetricSource;
  /** Labels the exporter sets (target labels added by the scrape config are in TARGET_LABELS). */
  labels: readonly string[];
  help: string;
}

/** Labels the generated scrape config attaches to model-server targets (the server only knows its version). */
export const TARGET_LABELS = { deployment: 'deployment', color: 'color' } as const;

/** Scrape job names used by the generated Prometheus config and referenced by rules (`up{job=…}`). */
export const JOBS = {
  modelServer: 'greenlight-model-server',
  router: 'greenlight-router',
  controlPlane: 'greenlight-control-plane',
} as const;

export const MODEL_SERVER = {
  requests: 'model_server_requests_total',
  latency: 'model_server_latency_seconds',
  errors: 'model_server_errors_total',
  active: 'model_server_active_requests',
  score: 'model_server_prediction_score',
  batchSize: 'model_server_batch_size',
  /** prom-client default metrics the resources gate reads. */
  rss: 'process_resident_memory_bytes',
  cpu: 'process_cpu_seconds_total',
} as const;

/**
 * Model-server `error_type`s caused by the client (400, 413), not by the model: they do not count
 * towards a color's error ratio, or a flood of bad input would roll back a healthy green.
 */
export const CLIENT_ERROR_TYPES = ['bad_request', 'too_large'] as const;

export const ROUTER = {
  requests: 'greenlight_router_requests_total',
  duration: 'greenlight_router_request_duration_seconds',
  errors: 'greenlight_router_errors_total',
  inFlight: 'greenlight_router_in_flight',
  shadow: 'greenlight_router_shadow_total',
  activeColor: 'greenlight_router_active_color',
  generation: 'greenlight_router_generation',
  requestLogDropped: 'greenlight_router_request_log_dropped_total',
  requestLogWritten: 'greenlight_router_request_log_written_total',
} as const;

export const CONTROLLER = {
  phase: 'greenlight_rollout_phase',
  phaseSince: 'greenlight_rollout_phase_since_seconds',
  activeInfo: 'greenlight_active_info',
  switches: 'greenlight_switches_total',
  rollbacks: 'greenlight_rollbacks_total',
  gateStatus: 'greenlight_gate_status',
  gateMeasured: 'greenlight_gate_measured',
  phaseDuration: 'greenlight_phase_duration_seconds',
  auditRecords: 'greenlight_audit_records_total',
  shadowPairs: 'greenlight_shadow_pairs_total',
} as const;

export const SIGNALS = {
  queryErrors: 'greenlight_signal_query_errors_total',
} as const;

export const EXTERNAL = {
  up: 'up',
  kubeReplicasReady: 'kube_deployment_status_replicas_ready',
  kubeSpecReplicas: 'kube_deployment_spec_replicas',
} as const;

/** Every metric greenlight's processes export, plus the external ones its rules may read. */
export const METRICS: readonly MetricName[] = [
  {
    name: MODEL_SERVER.requests,
    type: 'counter',
    source: 'model-server',
    labels: ['version', 'endpoint'],
    help: 'Requests received',
  },
  {
    name: MODEL_SERVER.latency,
    type: 'histogram',
    source: 'model-server',
    labels: ['version'],
    help: 'Prediction latency',
  },
  {
    name: MODEL_SERVER.errors,
    type: 'counter',
    source: 'model-server',
    labels: ['version', 'error_type'],
    help: 'Failed requests',
  },
  {
    name: MODEL_SERVER.active,
    type: 'gauge',
    source: 'model-server',
    labels: ['version'],
    help: 'Requests in progress',
  },
  {
    name: MODEL_SERVER.score,
    type: 'histogram',
    source: 'model-server',
    labels: ['version', 'label'],
    help: 'Returned prediction score',
  },
  {
    name: MODEL_SERVER.batchSize,
    type: 'histogram',
    source: 'model-server',
    labels: ['version'],
    help: 'Texts per ONNX Runtime call',
  },
  { name: MODEL_SERVER.rss, type: 'gauge', source: 'model-server', labels: [], help: 'Resident memory' },
  { name: MODEL_SERVER.cpu, type: 'counter', source: 'model-server', labels: [], help: 'CPU seconds' },
  {
    name: ROUTER.requests,
    type: 'counter',
    source: 'router',
    labels: ['color', 'code'],
    help: 'Proxied requests',
  },
  {
    name: ROUTER.duration,
    type: 'histogram',
    source: 'router',
    labels: ['color'],
    help: 'Proxied request duration',
  },
  { name: ROUTER.errors, type: 'counter', source: 'router', labels: ['color', 'kind'], help: 'Proxy errors' },
  { name: ROUTER.inFlight, type: 'gauge', source: 'router', labels: ['color'], help: 'Requests in flight' },
  { name: ROUTER.shadow, type: 'counter', source: 'router', labels: ['outcome'], help: 'Shadow copies' },
  {
    name: ROUTER.activeColor,
    type: 'gauge',
    source: 'router',
    labels: ['color'],
    help: '1 for the active color',
  },
  { name: ROUTER.generation, type: 'gauge', source: 'router', labels: [], help: 'Switch generation' },
  {
    name: ROUTER.requestLogDropped,
    type: 'counter',
    source: 'router',
    labels: [],
    help: 'Request log lines dropped (slow writer or failed write)',
  },
  {
    name: ROUTER.requestLogWritten,
    type: 'counter',
    source: 'router',
    labels: [],
    help: 'Request log lines written',
  },
  {
    name: CONTROLLER.phase,
    type: 'gauge',
    source: 'controller',
    labels: ['deployment', 'phase'],
    help: '1 for the current rollout phase',
  },
  {
    name: CONTROLLER.phaseSince,
    type: 'gauge',
    source: 'controller',
    labels: ['deployment'],
    help: 'Unix time the current phase started',
  },
  {
    name: CONTROLLER.activeInfo,
    type: 'gauge',
    source: 'controller',
    labels: ['deployment', 'color', 'version'],
    help: 'Active color and version',
  },
  {
    name: CONTROLLER.switches,
    type: 'counter',
    source: 'controller',
    labels: ['deployment', 'reason'],
    help: 'Traffic switches',
  },
  {
    name: CONTROLLER.rollbacks,
    type: 'counter',
    source: 'controller',
    labels: ['deployment', 'reason'],
    help: 'Rollbacks',
  },
  {
    name: CONTROLLER.gateStatus,
    type: 'gauge',
    source: 'controller',
    labels: ['deployment', 'gate', 'status'],
    help: 'Latest gate status',
  },
  {
    name: CONTROLLER.gateMeasured,
    type: 'gauge',
    source: 'controller',
    labels: ['deployment', 'gate', 'measure'],
    help: 'Latest gate measurement',
  },
  {
    name: CONTROLLER.phaseDuration,
    type: 'histogram',
    source: 'controller',
    labels: ['deployment', 'phase'],
    help: 'Time spent per phase',
  },
  {
    name: CONTROLLER.auditRecords,
    type: 'counter',
    source: 'controller',
    labels: [],
    help: 'Audit records written',
  },
  {
    name: CONTROLLER.shadowPairs,
    type: 'counter',
    source: 'controller',
    labels: ['deployment', 'outcome'],
    help: 'Shadow pairs compared',
  },
  {
    name: SIGNALS.queryErrors,
    type: 'counter',
    source: 'signals',
    labels: ['source'],
    help: 'Failed signal queries',
  },
  {
    name: EXTERNAL.up,
    type: 'gauge',
    source: 'prometheus',
    labels: ['job', 'instance'],
    help: 'Scrape succeeded',
  },
  {
    name: EXTERNAL.kubeReplicasReady,
    type: 'gauge',
    source: 'kube-state-metrics',
    labels: ['namespace', 'deployment'],
    help: 'Ready replicas',
  },
  {
    name: EXTERNAL.kubeSpecReplicas,
    type: 'gauge',
    source: 'kube-state-metrics',
    labels: ['namespace', 'deployment'],
    help: 'Desired replicas',
  },
];

/** Series names a metric produces in the exposition format (histograms: _bucket, _sum, _count). */
export function seriesNames(m: MetricName): string[] {
  return m.type === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name];
}

/** All series names, optionally restricted to some sources. */
export function knownSeries(sources?: readonly MetricSource[]): Set<string> {
  const out = new Set<string>();
  for (const m of METRICS)
    if (!sources || sources.includes(m.source)) for (const s of seriesNames(m)) out.add(s);
  return out;
}
