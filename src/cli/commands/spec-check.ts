import { access } from 'node:fs/promises';
import { InvalidDocumentError, UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary = 'check a BlueGreenDeployment spec and show it with defaults';
export const usage = `greenlight spec check SPEC.yaml [--platform local|kubernetes] [--json]

Parses the spec as \`greenlight deploy\` would, prints every problem at once (field path, what
was expected, what was found), and warns about files it names that do not exist. For a valid
spec it prints the agreement gate's sample sizes at its threshold, α, β and indifference (a
fixed-n test's, the sequential test's mean and 95th percentile at a few true agreements, and the
outcome at the cap) and warns when the cap, or a slice's share of the samples, cannot decide.

  --platform P   check for this platform (default: spec.platform, else local unless the slots name images)
  --json         {"ok", "problems", "warnings", "sampleSize", "spec"} on stdout

exit 0 valid, 1 invalid, 2 usage or unreadable file`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, { platform: { type: 'string' } });
  if (positionals.length !== 1)
    throw new UsageError('expects one spec file: greenlight spec check SPEC.yaml');
  const platform = values.platform;
  if (platform !== undefined && platform !== 'local' && platform !== 'kubernetes') {
    throw new UsageError(`--platform expects local or kubernetes, got ${JSON.stringify(platform)}`);
  }
  const { loadSpec } = await import('../../spec/load.js');
  try {
    const spec = await loadSpec(positionals[0], { platform });
    const warnings = await missingFiles([
      ['spec.blue.model', spec.blue.model],
      ['spec.green.model', spec.green.model],
      ['spec.blue.modelCard', spec.blue.modelCard],
      ['spec.green.modelCard', spec.green.modelCard],
      ['spec.blue.cwd', spec.blue.cwd],
      ['spec.green.cwd', spec.green.cwd],
      ['spec.validation.samples', spec.validation.samples],
    ]);
    const { formatPlan, planFor, sliceWarnings } = await import('../../validation/sample-size-report.js');
    const plan = planFor(spec.validation);
    if (spec.validation.enabled && spec.validation.gates.includes('agreement')) {
      if (plan.warning) warnings.push(`spec.validation.shadowTrafficSampleSize: ${plan.warning}`);
      warnings.push(...(await sampleSliceWarnings(spec.validation, sliceWarnings)));
    }
    if (values.json)
      console.log(JSON.stringify({ ok: true, problems: [], warnings, sampleSize: plan, spec }));
    else printValid(positionals[0], spec, warnings, formatPlan({ ...plan, warning: undefined }));
    return 0;
  } catch (err) {
    if (!(err instanceof InvalidDocumentError)) throw err;
    if (values.json) console.log(JSON.stringify({ ok: false, problems: err.problems, warnings: [] }));
    else console.log(err.message);
    return 1;
  }
}

function printValid(
  file: string,
  spec: import('../../spec/types.js').DeploymentSpec,
  warnings: string[],
  plan: string[],
): void {
  console.log(`${file}: valid BlueGreenDeployment "${spec.name}"`);
  for (const c of ['blue', 'green'] as const) {
    const s = spec[c];
    console.log(
      `  ${c.padEnd(5)} ${s.modelVersion} × ${s.replicas}  ${s.model ?? s.command?.join(' ') ?? s.image ?? ''}${s.enabled ? '' : '  (disabled)'}`,
    );
  }
  if (spec.validation.enabled && spec.validation.gates.includes('agreement'))
    for (const l of plan) console.log(`  ${l}`);
  for (const w of warnings) console.log(`  warning: ${w}`);
}

/** Slices of the spec's samples file that its cap cannot fill (nothing when there is no readable file). */
async function sampleSliceWarnings(
  v: import('../../spec/types.js').ValidationSpec,
  check: typeof import('../../validation/sample-size-report.js').sliceWarnings,
): Promise<string[]> {
  if (v.samples === undefined || v.source === 'shadow') return [];
  const [{ readSamples }, { sliceCounts }] = await Promise.all([
    import('../../validation/pairs/samples-file.js'),
    import('../../validation/pairs/stratify.js'),
  ]);
  const samples = await readSamples(v.samples).catch(() => undefined);
  if (!samples) return [];
  return check(v, sliceCounts(samples), samples.length).map((w) => `spec.validation.samples: ${w}`);
}

/** Files are not required to exist when a spec is written (models may be built later), so only warn. */
async function missingFiles(entries: [string, string | undefined][]): Promise<string[]> {
  const out: string[] = [];
  for (const [path, file] of entries) {
    if (file === undefined) continue;
    try {
      await access(file);
    } catch {
      out.push(`${path}: ${file} does not exist (yet)`);
    }
  }
  return out;
}
