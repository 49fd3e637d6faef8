import { CLIENT_ERROR_TYPES, CONTROLLER, MODEL_SERVER, ROUTER } from './names.js';
import { selector } from './promql.js';

/**
 * The Grafana dashboard checked in at deploy/grafana/greenlight-dashboard.json, built here so
 * its PromQL uses names.ts like the rules do (a test keeps the file equal to this output and
 * parses every expression with a real Prometheus). Blue and green are told apart by the `color`
 * label: the router's own, and the target label the generated scrape config puts on model servers.
 */
export function grafanaDashboard(): Record<string, unknown> {
  const dep = { deployment: { re: '$deployment' } };
  const win = '$__rate_interval';
  const ds = { type: 'prometheus', uid: '$datasource' };
  const target = (expr: string, legendFormat: string, extra: Record<string, unknown> = {}) => ({
    datasource: ds,
    expr,
    legendFormat,
    ...extra,
  });
  const colorOverrides = ['blue', 'green'].map((color) => ({
    matcher: { id: 'byRegexp', options: `^${color}.*` },
    properties: [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }],
  }));
  const panel = (
    title: string,
    type: string,
    grid: [number, number, number, number],
    targets: ReturnType<typeof target>[],
    fieldConfig: Record<string, unknown> = {},
    options: Record<string, unknown> = {},
  ) => {
    return {
      title,
      type,
      datasource: ds,
      gridPos: { x: grid[0], y: grid[1], w: grid[2], h: grid[3] },
      targets: targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) })),
      fieldConfig: { defaults: fieldConfig, overrides: colorOverrides },
      options,
    };
  };
  const latency = (q: number) =>
    `histogram_quantile(${q}, sum by (color, le) (rate(${selector(`${MODEL_SERVER.latency}_bucket`, dep)}[${win}])))`;
  const serverErrors = selector(MODEL_SERVER.errors, {
    ...dep,
    error_type: { notRe: CLIENT_ERROR_TYPES.join('|') },
  });

  const panels = [
    panel(
      'Active color and version',
      'stat',
      [0, 0, 6, 4],
      [target(`${selector(CONTROLLER.activeInfo, dep)} == 1`, '{{color}} {{version}}', { instant: true })],
      {},
      { textMode: 'name', colorMode: 'background' },
    ),
    panel(
      'Rollout phase',
      'state-timeline',
      [6, 0, 18, 4],
      [target(`${selector(CONTROLLER.phase, dep)} == 1`, '{{phase}}')],
      {},
      { showValue: 'never', mergeValues: true },
    ),
    // P50/P95/P99 blue vs green, one panel each (model-server latency: includes shadow traffic).
    ...[0.5, 0.95, 0.99].map((q, i) =>
      panel(
        `Model latency P${Math.round(q * 100)}, blue vs green`,
        'timeseries',
        [i * 8, 4, 8, 8],
        [target(latency(q), `{{color}} P${Math.round(q * 100)}`)],
        { unit: 's' },
      ),
    ),
    panel(
      'Error ratio (server errors / requests)',
      'timeseries',
      [0, 12, 12, 8],
      [
        target(
          `sum by (color) (rate(${serverErrors}[${win}]))\n/\nsum by (color) (rate(${selector(MODEL_SERVER.requests, dep)}[${win}]))`,
          '{{color}} model server',
        ),
        target(
          `sum by (color) (rate(${selector(ROUTER.errors, dep)}[${win}]))\n/\nsum by (color) (rate(${selector(ROUTER.requests, dep)}[${win}]))`,
          '{{color}} router',
        ),
      ],
      { unit: 'percentunit' },
    ),
    panel(
      'Traffic per color (requests/s)',
      'timeseries',
      [12, 12, 12, 8],
      [
        target(
          `sum by (color) (rate(${selector(ROUTER.requests, dep)}[${win}]))`,
          '{{color}} users (router)',
        ),
        target(
          `sum by (color) (rate(${selector(MODEL_SERVER.requests, dep)}[${win}]))`,
          '{{color}} model servers (incl. shadow)',
        ),
        target(`sum by (color) (${selector(ROUTER.inFlight, dep)})`, '{{color}} in flight'),
      ],
      { unit: 'reqps' },
    ),
    panel(
      'Gate results',
      'table',
      [0, 20, 12, 8],
      [
        target(`${selector(CONTROLLER.gateStatus, dep)} == 1`, '{{gate}}: {{status}}', {
          instant: true,
          format: 'table',
        }),
        target(selector(CONTROLLER.gateMeasured, dep), '{{gate}} {{measure}}', {
          instant: true,
          format: 'table',
        }),
      ],
    ),
    panel(
      'Shadow agreement',
      'timeseries',
      [12, 20, 12, 8],
      [
        target(
          `sum by (deployment) (rate(${selector(CONTROLLER.shadowPairs, { ...dep, outcome: 'agreed' })}[${win}]))\n/\nsum by (deployment) (rate(${selector(CONTROLLER.shadowPairs, dep)}[${win}]))`,
          '{{deployment}} agreement',
        ),
        target(
          `sum by (outcome) (rate(${selector(ROUTER.shadow, dep)}[${win}]))`,
          'router shadow {{outcome}}/s',
        ),
      ],
      { unit: 'percentunit' },
    ),
    panel(
      'Switches and rollbacks (last hour)',
      'stat',
      [0, 28, 12, 6],
      [
        target(`sum by (reason) (increase(${selector(CONTROLLER.switches, dep)}[1h]))`, 'switch: {{reason}}'),
        target(
          `sum by (reason) (increase(${selector(CONTROLLER.rollbacks, dep)}[1h]))`,
          'rollback: {{reason}}',
        ),
      ],
    ),
    panel(
      'Prediction confidence by color (median score)',
      'timeseries',
      [12, 28, 12, 6],
      [
        target(
          `histogram_quantile(0.5, sum by (color, le) (rate(${selector(`${MODEL_SERVER.score}_bucket`, dep)}[${win}])))`,
          '{{color}} median score',
        ),
      ],
      { min: 0, max: 1 },
    ),
    panel(
      'Time per phase (P95)',
      'bargauge',
      [0, 34, 24, 6],
      [
        target(
          `histogram_quantile(0.95, sum by (phase, le) (rate(${selector(`${CONTROLLER.phaseDuration}_bucket`, dep)}[1d])))`,
          '{{phase}}',
          { instant: true },
        ),
      ],
      { unit: 's' },
    ),
  ].map((p, i) => ({ id: i + 1, ...p }));

  return {
    title: 'greenlight: blue-green model deployments',
    uid: 'greenlight-bluegreen',
    tags: ['greenlight', 'mlops', 'blue-green'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-3h', to: 'now' },
    refresh: '10s',
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' },
        {
          name: 'deployment',
          type: 'query',
          datasource: ds,
          query: `label_values(${CONTROLLER.phase}, deployment)`,
          includeAll: true,
          multi: true,
          allValue: '.*',
          refresh: 2,
          label: 'Deployment',
        },
      ],
    },
    annotations: {
      list: [
        {
          name: 'Switches and rollbacks',
          datasource: ds,
          enable: true,
          expr: `changes(${selector(CONTROLLER.switches, dep)}[1m]) > 0 or changes(${selector(CONTROLLER.rollbacks, dep)}[1m]) > 0`,
          titleFormat: '{{deployment}} {{reason}}',
          iconColor: 'orange',
        },
      ],
    },
    panels,
  };
}

/** Every PromQL expression in a dashboard (panel targets and annotations). */
export function dashboardExpressions(dashboard: Record<string, unknown>): string[] {
  const out: string[] = [];
  const panels = (dashboard.panels ?? []) as { targets?: { expr?: string }[] }[];
  for (const p of panels) for (const t of p.targets ?? []) if (t.expr) out.push(t.expr);
  const annotations = ((dashboard.annotations as { list?: { expr?: string }[] })?.list ?? []) as {
    expr?: string;
  }[];
  for (const a of annotations) if (a.expr) out.push(a.expr);
  return out;
}
