import { writeFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';

export const summary = 'print a Prometheus scrape config for greenlight (model servers with color labels)';
export const usage = `greenlight scrape-config --deployment NAME --blue URL[,URL…] --green URL[,URL…] [options]

Prints prometheus.yml scraping the model servers (target labels deployment and color, which
\`greenlight rules\` and the Grafana dashboard select on), the router and the control plane.
  --deployment NAME     metadata.name of the deployment (target label), required
  --blue URLS           model servers of the blue slot (comma-separated base URLs)
  --green URLS          model servers of the green slot
  --router URL          the router's admin URL (serves /metrics)
  --control-plane URL   the control plane (greenlight up) URL (serves /metrics)
  --interval SECONDS    scrape and evaluation interval (default 15)
  --rules FILE          add FILE under rule_files (e.g. the output of \`greenlight rules\`)
  --out FILE            write to FILE instead of standard output`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      deployment: { type: 'string' },
      blue: { type: 'string' },
      green: { type: 'string' },
      router: { type: 'string' },
      'control-plane': { type: 'string' },
      interval: { type: 'string' },
      rules: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    false,
  );
  if (!values.deployment) throw new UsageError('--deployment NAME is required');
  const { renderPrometheusConfig } = await import('../../metrics/prometheus-config.js');
  type Target = Parameters<typeof renderPrometheusConfig>[0]['targets'][number];
  const list = (v: string | undefined) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const targets: Target[] = [];
  for (const color of ['blue', 'green'] as const) {
    for (const url of list(values[color]))
      targets.push({ kind: 'modelServer', url: checkUrl(color, url), deployment: values.deployment, color });
  }
  if (values.router)
    targets.push({ kind: 'router', url: checkUrl('router', values.router), deployment: values.deployment });
  if (values['control-plane'])
    targets.push({ kind: 'controlPlane', url: checkUrl('control-plane', values['control-plane']) });
  if (targets.length === 0)
    throw new UsageError('give at least one of --blue, --green, --router, --control-plane');
  const interval = intFlag('interval', values.interval, 15, 1, 3600);
  const text = renderPrometheusConfig({
    targets,
    scrapeIntervalSeconds: interval,
    evaluationIntervalSeconds: interval,
    ruleFiles: values.rules,
  });
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

function checkUrl(flag: string, url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return url;
  } catch {
    // fall through
  }
  throw new UsageError(`--${flag} expects http(s) URLs, got ${JSON.stringify(url)}`);
}
