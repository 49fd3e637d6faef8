import { writeFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { Color, DeploymentSpec } from '../../spec/types.js';
import { parseArgs } from '../args.js';

export const summary =
  'print Prometheus alert rules (the seed four + controller alerts) for greenlight metrics';
export const usage = `greenlight rules [--spec SPEC.yaml] [--format prometheus|prometheusrule] [--candidate green|blue] [--out FILE]

Generates the seed's alerts (GreenDeploymentSlow, GreenLatencyRegression, GreenHighErrorRate,
BothDeploymentsDown) over the metrics greenlight really exports, plus alerts on the controller's
own metrics (GreenlightRolloutStuck, GreenlightRollbackHappened, GreenlightShadowDisagreementRising).
  --spec FILE     take thresholds and names from a BlueGreenDeployment spec (default: the seed's values,
                  every deployment)
  --format F      prometheus (a rule file for rule_files:, default) or prometheusrule
                  (monitoring.coreos.com/v1 PrometheusRule, adds kube-state-metrics variants)
  --candidate C   the slot the "Green*" alerts watch (default: green)
  --out FILE      write to FILE instead of standard output
The model servers must be scraped with target labels deployment and color
(see \`docs/observability.md\`; src/metrics/prometheus-config.ts generates such a config).`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs(
    argv,
    {
      spec: { type: 'string' },
      format: { type: 'string' },
      candidate: { type: 'string' },
      out: { type: 'string' },
    },
    false,
  );
  const format = values.format ?? 'prometheus';
  if (format !== 'prometheus' && format !== 'prometheusrule') {
    throw new UsageError(`--format expects prometheus or prometheusrule, got ${JSON.stringify(format)}`);
  }
  const candidate = values.candidate ?? 'green';
  if (candidate !== 'green' && candidate !== 'blue') {
    throw new UsageError(`--candidate expects green or blue, got ${JSON.stringify(candidate)}`);
  }
  const { DEFAULT_RULE_OPTIONS, renderRules, ruleOptionsFromSpec } = await import('../../metrics/rules.js');
  const options = values.spec
    ? ruleOptionsFromSpec(await loadSpecFile(values.spec), candidate as Color)
    : { ...DEFAULT_RULE_OPTIONS, candidate: candidate as Color };
  const text = renderRules(options, format);
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
  return 0;
}

async function loadSpecFile(path: string): Promise<DeploymentSpec> {
  const { loadSpec } = await import('../../spec/load.js');
  return loadSpec(path);
}
