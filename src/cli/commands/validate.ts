import { GreenlightError, InvalidDocumentError, UsageError } from '../../errors.js';
import type { GateName, ValidationSpec } from '../../spec/types.js';
import { createHttpClient, describeNetworkError, type HttpClient, joinUrl } from '../../validation/http.js';
import type { ValidationProgress } from '../../validation/run.js';
import { intFlag, parseArgs } from '../args.js';

export const summary = 'validate a candidate (green) against the live model (blue) with the seven gates';
export const usage = `greenlight validate --blue URL --green URL --samples FILE.jsonl [options]

Replays the samples to both model servers and runs the validation gates (health, agreement,
schema, distribution, modelCard, latency, resources); blue is the baseline, green the candidate.
Progress goes to stderr; the report (or JSON) to stdout.

  --blue URL[,URL…]       baseline model server(s)
  --green URL[,URL…]      candidate model server(s)
  --samples FILE          JSON lines: {"text", "expected_label"?, "slice"?}
  --spec FILE             take thresholds (spec.validation) and green's card/version from a spec
  --card FILE             green's model card (default: spec.green.modelCard)
  --version V             the version green should report (default: spec, else what it answers)
  --gates LIST            comma-separated subset of gates to run
  --sample-size N         cap on compared pairs (default 150)
  --threshold P           agreement threshold (default 0.95)
  --latency-seconds S     load duration per color for the latency gate (default 4)
  --json                  print the results as JSON

Before the report it prints the agreement gate's sample sizes at these settings (see
\`greenlight spec check\`) and warns when the cap or a slice's share cannot decide. A gate
without its input (modelCard with no card) is SKIP and does not fail the run.

Exit status: 0 every gate passed (skipped ones aside), 1 a gate failed, 2 inconclusive, error,
every gate skipped, or bad input.`;

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got ${JSON.stringify(value)}`);
  return n;
}

/** InvalidDocumentError's message lists every problem on its own line; the CLI promises one line. */
function oneLine(err: InvalidDocumentError, what: string): GreenlightError {
  const [first] = err.problems;
  const more = err.problems.length > 1 ? ` (and ${err.problems.length - 1} more)` : '';
  return new GreenlightError(
    err.code,
    `${what}: ${first.path}: expected ${first.expected}, found ${first.found}${more}`,
    { cause: err },
  );
}

type Values = ReturnType<typeof parseFlags>['values'];

function parseFlags(argv: string[]) {
  return parseArgs(
    argv,
    {
      blue: { type: 'string' },
      green: { type: 'string' },
      samples: { type: 'string' },
      spec: { type: 'string' },
      card: { type: 'string' },
      version: { type: 'string' },
      gates: { type: 'string' },
      'sample-size': { type: 'string' },
      threshold: { type: 'string' },
      'latency-seconds': { type: 'string' },
    },
    false,
  );
}

function urlList(s: string | undefined, flag: string): string[] {
  if (!s) throw new UsageError(`--${flag} URL is required`);
  return s.split(',').map((raw) => {
    const u = raw.trim();
    let ok = false;
    try {
      const { protocol } = new URL(u);
      ok = protocol === 'http:' || protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--${flag} expects http(s) URLs, got ${JSON.stringify(raw)}`);
    return u.replace(/\/+$/, '');
  });
}

/** The ValidationSpec (defaults, or the spec file's), green's card and version, flags applied and checked. */
async function resolveSpec(
  values: Values,
): Promise<{ spec: ValidationSpec; card?: string; version?: string }> {
  const { defaultValidationSpec, ALL_GATES } = await import('../../validation/defaults.js');
  let spec = defaultValidationSpec();
  let card = values.card;
  let version = values.version;
  if (values.spec) {
    const { loadSpec } = await import('../../spec/load.js');
    try {
      const d = await loadSpec(values.spec);
      spec = d.validation;
      card ??= d.green.modelCard;
      version ??= d.green.modelVersion;
    } catch (err) {
      throw err instanceof InvalidDocumentError ? oneLine(err, `spec ${values.spec}`) : err;
    }
  }
  if (values.gates !== undefined) {
    const gates = values.gates.split(',').map((g) => g.trim()) as GateName[];
    const bad = gates.find((g) => !ALL_GATES.includes(g));
    if (bad !== undefined)
      throw new UsageError(`--gates: unknown gate ${JSON.stringify(bad)}; gates are ${ALL_GATES.join(', ')}`);
    spec.gates = gates;
  }
  spec.shadowTrafficSampleSize = intFlag(
    'sample-size',
    values['sample-size'],
    spec.shadowTrafficSampleSize,
    1,
    1_000_000,
  );
  spec.agreementThreshold = numberFlag('threshold', values.threshold) ?? spec.agreementThreshold;
  spec.latency.durationSeconds =
    numberFlag('latency-seconds', values['latency-seconds']) ?? spec.latency.durationSeconds;
  const { validationSpecProblems } = await import('../../validation/check-spec.js');
  const problems = validationSpecProblems(spec);
  if (problems.length > 0)
    throw oneLine(new InvalidDocumentError('validation thresholds', problems), 'bad threshold');
  return { spec, card, version };
}

async function loadSamples(path: string | undefined) {
  if (!path) throw new UsageError('--samples FILE is required (or validation.samples in the spec)');
  const { readSamples } = await import('../../validation/pairs/samples-file.js');
  try {
    return await readSamples(path);
  } catch (err) {
    throw err instanceof InvalidDocumentError ? oneLine(err, `samples file ${path}`) : err;
  }
}

/** Unreachable endpoints are this command's input problem, not a gate result: one line, exit 2. */
async function preflight(client: HttpClient, endpoints: [string, string[]][]): Promise<void> {
  for (const [color, list] of endpoints) {
    for (const u of list) {
      try {
        await client.request('GET', joinUrl(u, '/health'), undefined, 5000);
      } catch (err) {
        throw new GreenlightError(
          'GL_UNREACHABLE',
          `${color} ${u} is unreachable: ${describeNetworkError(err)}`,
        );
      }
    }
  }
}

/** Progress on stderr: a live line on a terminal, one line per gate otherwise. */
function progressPrinter(tty: boolean): (e: ValidationProgress) => void {
  const clear = tty ? '\r\x1b[K' : '';
  return (e) => {
    if (e.type === 'gate-started') process.stderr.write(`${clear}validating ${e.gate}…${tty ? '' : '\n'}`);
    else if (e.type === 'pairs' && tty)
      process.stderr.write(`${clear}validating agreement: ${e.agreed}/${e.compared} agree (cap ${e.cap})`);
    else if (e.type === 'gate-finished')
      process.stderr.write(`${clear}${e.result.gate}: ${e.result.status}\n`);
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv);
  const blue = urlList(values.blue, 'blue');
  const green = urlList(values.green, 'green');
  const { spec, card, version } = await resolveSpec(values);
  const samples = await loadSamples(values.samples ?? spec.samples);
  const [{ runValidation }, { formatReport, exitCodeFor }, { overallStatus }, sizes, { sliceCounts }] =
    await Promise.all([
      import('../../validation/run.js'),
      import('../../validation/report.js'),
      import('../../validation/types.js'),
      import('../../validation/sample-size-report.js'),
      import('../../validation/pairs/stratify.js'),
    ]);
  // Said up front: how many pairs the agreement gate needs at these settings, and whether the cap
  // and every slice's share of the samples can decide.
  const plan = sizes.planFor(spec);
  const planLines = spec.gates.includes('agreement')
    ? [
        ...sizes.formatPlan(plan),
        ...sizes.sliceWarnings(spec, sliceCounts(samples), samples.length).map((w) => `warning: ${w}`),
      ]
    : [];
  if (values.json) for (const l of planLines) process.stderr.write(`${l}\n`);
  const client = createHttpClient({ connections: Math.max(16, spec.latency.concurrency) });
  try {
    await preflight(client, [
      ['blue', blue],
      ['green', green],
    ]);
    const results = await runValidation({
      spec: { ...spec, source: 'samples' },
      baseline: blue,
      candidate: green,
      samples,
      candidateCard: card,
      candidateVersion: version,
      skipGatesWithoutInput: true,
      http: client,
      onProgress: progressPrinter(process.stderr.isTTY === true),
    });
    if (values.json)
      console.log(
        JSON.stringify(
          { status: overallStatus(results), blue, green, samples: samples.length, sampleSize: plan, results },
          null,
          2,
        ),
      );
    else
      console.log(
        formatReport(
          results,
          [
            `greenlight validate: blue ${blue.join(',')} (baseline) vs green ${green.join(',')} (candidate), ${samples.length} samples`,
            ...planLines,
          ].join('\n'),
        ),
      );
    return exitCodeFor(results);
  } finally {
    await client.close();
  }
}
