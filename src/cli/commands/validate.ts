import { GreenlightError, InvalidDocumentError, UsageError } from '../../errors.js';
import type {
  GateName,
  OutputKind,
  OutputSpec,
  ProtocolName,
  ServerSpec,
  ValidationSpec,
} from '../../spec/types.js';
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
  --samples FILE          JSON lines: {"input", "expected"?, "slice"?} or {"text", …}
  --spec FILE             take thresholds (spec.validation), green's card/version, each slot's
                          server section and spec.output from a spec
  --protocol P            how both servers are spoken to: greenlight (default), oip-v2,
                          tfserving, kserve-v1 (http-json needs --spec for its mapping)
  --model-name N          the model's name in oip-v2/tfserving/kserve-v1 URLs (default model)
  --output KIND           what a prediction is: label (default), probabilities, regression
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

/** The flags that set a spec field, so a bad value is reported as the flag the user typed. */
const FLAG_OF: Record<string, 'threshold' | 'sample-size' | 'latency-seconds'> = {
  'spec.validation.agreementThreshold': 'threshold',
  'spec.validation.shadowTrafficSampleSize': 'sample-size',
  'spec.validation.latency.durationSeconds': 'latency-seconds',
};

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
      protocol: { type: 'string' },
      'model-name': { type: 'string' },
      output: { type: 'string' },
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

interface Speech {
  servers: { blue: ServerSpec; green: ServerSpec };
  output: OutputSpec;
}

const PROTOCOLS: ProtocolName[] = ['greenlight', 'oip-v2', 'tfserving', 'kserve-v1', 'http-json'];
const KINDS: OutputKind[] = ['label', 'probabilities', 'regression'];

/** Each side's server section and the output kind: the spec's (or greenlight/label), then the flags. */
async function resolveSpeech(values: Values, fromSpec: Speech | undefined): Promise<Speech> {
  const { protocolDefaults, DEFAULT_OUTPUT } = await import('../../spec/server.js');
  const greenlight = protocolDefaults('greenlight');
  const speech: Speech = fromSpec ?? {
    servers: { blue: greenlight, green: greenlight },
    output: { ...DEFAULT_OUTPUT },
  };
  const protocol = values.protocol as ProtocolName | undefined;
  if (protocol !== undefined) {
    if (!PROTOCOLS.includes(protocol))
      throw new UsageError(
        `--protocol: unknown protocol ${JSON.stringify(protocol)}; protocols are ${PROTOCOLS.join(', ')}`,
      );
    if (protocol === 'http-json')
      throw new UsageError(
        '--protocol http-json needs a request template and response mapping: give them in --spec (server section)',
      );
    const s = protocolDefaults(protocol, values['model-name']);
    speech.servers = { blue: s, green: s };
  } else if (values['model-name'] !== undefined) {
    // Probes that were the protocol's defaults follow the new name (TF Serving's status path
    // holds it); probes the spec wrote itself are kept.
    const rename = (s: ServerSpec): ServerSpec => {
      const old = protocolDefaults(s.protocol, s.modelName);
      const renamed = protocolDefaults(s.protocol, values['model-name']);
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      return {
        ...s,
        modelName: renamed.modelName,
        health: same(s.health, old.health) ? renamed.health : s.health,
        readiness: same(s.readiness, old.readiness) ? renamed.readiness : s.readiness,
      };
    };
    speech.servers = { blue: rename(speech.servers.blue), green: rename(speech.servers.green) };
  }
  if (values.output !== undefined) {
    if (!KINDS.includes(values.output as OutputKind))
      throw new UsageError(
        `--output: unknown output kind ${JSON.stringify(values.output)}; kinds are ${KINDS.join(', ')}`,
      );
    speech.output = { ...speech.output, kind: values.output as OutputKind };
  }
  return speech;
}

/** The ValidationSpec (defaults, or the spec file's), green's card and version, flags applied and checked. */
async function resolveSpec(
  values: Values,
): Promise<{ spec: ValidationSpec; card?: string; version?: string; speech: Speech }> {
  const { defaultValidationSpec, ALL_GATES } = await import('../../spec/validation-defaults.js');
  let spec = defaultValidationSpec();
  let card = values.card;
  let version = values.version;
  let fromSpec: Speech | undefined;
  if (values.spec) {
    const { loadSpec } = await import('../../spec/load.js');
    const { outputOf, serverOf } = await import('../../spec/server.js');
    try {
      const d = await loadSpec(values.spec);
      spec = d.validation;
      card ??= d.green.modelCard;
      version ??= d.green.modelVersion;
      fromSpec = { servers: { blue: serverOf(d.blue), green: serverOf(d.green) }, output: outputOf(d) };
    } catch (err) {
      throw err instanceof InvalidDocumentError ? oneLine(err, `spec ${values.spec}`) : err;
    }
  }
  const speech = await resolveSpeech(values, fromSpec);
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
  // The spec parser's own field description judges the flags too: one set of rules for a value.
  const { validationProblems } = await import('../../spec/validation-problems.js');
  const problems = validationProblems(spec).map((p) => {
    const flag = FLAG_OF[p.path];
    return flag && values[flag] !== undefined ? { ...p, path: `--${flag}` } : p;
  });
  if (problems.length > 0)
    throw oneLine(new InvalidDocumentError('validation thresholds', problems), 'bad threshold');
  return { spec, card, version, speech };
}

/** Read the samples and check, before any traffic, that each side's protocol can send every row. */
async function loadSamples(path: string | undefined, speech: Speech) {
  if (!path) throw new UsageError('--samples FILE is required (or validation.samples in the spec)');
  const [{ readSamples }, { encodeSamples }, { protocolFor }] = await Promise.all([
    import('../../validation/pairs/samples-file.js'),
    import('../../validation/pairs/encode-samples.js'),
    import('../../protocols/registry.js'),
  ]);
  try {
    const samples = await readSamples(path);
    encodeSamples(samples, {
      blue: protocolFor(speech.servers.blue),
      green: protocolFor(speech.servers.green),
    });
    return samples;
  } catch (err) {
    throw err instanceof InvalidDocumentError ? oneLine(err, `samples file ${path}`) : err;
  }
}

/** Unreachable endpoints are this command's input problem, not a gate result: one line, exit 2. */
async function preflight(client: HttpClient, endpoints: [string, string[], string][]): Promise<void> {
  for (const [color, list, healthPath] of endpoints) {
    for (const u of list) {
      try {
        await client.request('GET', joinUrl(u, healthPath), undefined, 5000);
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
  const { spec, card, version, speech } = await resolveSpec(values);
  const samples = await loadSamples(values.samples ?? spec.samples, speech);
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
      ['blue', blue, speech.servers.blue.health.path],
      ['green', green, speech.servers.green.health.path],
    ]);
    const results = await runValidation({
      spec: { ...spec, source: 'samples' },
      baseline: blue,
      candidate: green,
      samples,
      candidateCard: card,
      candidateVersion: version,
      baselineServer: speech.servers.blue,
      candidateServer: speech.servers.green,
      output: speech.output,
      skipGatesWithoutInput: true,
      http: client,
      onProgress: progressPrinter(process.stderr.isTTY === true),
    });
    if (values.json)
      console.log(
        JSON.stringify(
          {
            status: overallStatus(results),
            blue,
            green,
            protocols: { blue: speech.servers.blue.protocol, green: speech.servers.green.protocol },
            output: speech.output.kind,
            samples: samples.length,
            sampleSize: plan,
            results,
          },
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
