import { access } from 'node:fs/promises';
import { InvalidDocumentError, UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary = 'check a BlueGreenDeployment spec and show it with defaults';
export const usage = `greenlight spec check SPEC.yaml [--platform local|kubernetes] [--json]

Parses the spec as \`greenlight deploy\` would, prints every problem at once (field path, what
was expected, what was found), and warns about files it names that do not exist.

  --platform P   check for this platform (default: spec.platform, else local unless the slots name images)
  --json         {"ok", "problems", "warnings", "spec"} on stdout

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
    if (values.json) {
      console.log(JSON.stringify({ ok: true, problems: [], warnings, spec }));
    } else {
      console.log(`${positionals[0]}: valid BlueGreenDeployment "${spec.name}"`);
      for (const c of ['blue', 'green'] as const) {
        const s = spec[c];
        console.log(
          `  ${c.padEnd(5)} ${s.modelVersion} × ${s.replicas}  ${s.model ?? s.command?.join(' ') ?? s.image ?? ''}${s.enabled ? '' : '  (disabled)'}`,
        );
      }
      for (const w of warnings) console.log(`  warning: ${w}`);
    }
    return 0;
  } catch (err) {
    if (!(err instanceof InvalidDocumentError)) throw err;
    if (values.json) console.log(JSON.stringify({ ok: false, problems: err.problems, warnings: [] }));
    else console.log(err.message);
    return 1;
  }
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
