import { UsageError } from '../../errors.js';
import { parseArgs } from '../args.js';

export const summary = 'apply a spec and follow its rollout until it ends';
export const usage = `greenlight deploy SPEC.yaml [--detach] [--timeout DURATION] [--reason TEXT] [--json] [--data-dir D]

Checks the spec locally first (every problem is printed, exit 2), then records it with the control
plane and follows the rollout: phase changes, gate results as they arrive, samples compared so far.
  --detach    return once the spec is recorded
  --timeout   stop following after this long (e.g. 10m); the rollout continues
  --json      one JSON document per event, and a final {"outcome": ...}
Exit code: 0 Complete (or nothing to roll out), 1 ValidationFailed/RolledBack/Aborted/Failed/refused,
2 bad spec or error. Ctrl-C stops following; the rollout continues (see \`greenlight status\`).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    detach: { type: 'boolean' },
    timeout: { type: 'string' },
    reason: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const file = positionals[0];
  if (!file) throw new UsageError('expects the path of a spec file (SPEC.yaml)');
  const { readFileSync } = await import('node:fs');
  const { dirname, resolve } = await import('node:path');
  const { parseDuration } = await import('../../spec/duration.js');
  const timeoutSeconds = values.timeout === undefined ? 0 : parseDuration(values.timeout);
  if (timeoutSeconds === undefined)
    throw new UsageError(`--timeout expects a duration such as 10m, got ${values.timeout}`);
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const { parseLocalSpec } = await import('../../control-plane/spec-io.js');
  // Parse here first: a bad spec gets every problem at once without a round trip.
  const spec = parseLocalSpec(text, dirname(path), file);
  const { createClient, ApiCallError } = await import('../client.js');
  const client = createClient({ dataDir: values['data-dir'] });
  const name = spec.name;
  let previousRolloutId = 0;
  try {
    const view = await client.get<{ rollout: { id: number } | null }>(
      `/api/deployments/${encodeURIComponent(name)}`,
    );
    previousRolloutId = view.rollout?.id ?? 0;
  } catch (err) {
    if (!(err instanceof ApiCallError && err.status === 404)) throw err;
  }
  const applied = await client.post<{ intent: number; auditSeq: number }>('/api/deployments', {
    spec: text,
    baseDir: dirname(path),
    ...(values.reason ? { reason: values.reason } : {}),
  });
  const say = (line: string) => console.log(line);
  if (values.detach) {
    say(
      values.json
        ? JSON.stringify({ name, intent: applied.intent, outcome: 'Detached' })
        : `applied ${name} (intent #${applied.intent}); follow it with \`greenlight status ${name} --watch\``,
    );
    return 0;
  }
  if (!values.json)
    say(`applied ${name} (intent #${applied.intent}); following the rollout (Ctrl-C stops following)`);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  const { followRollout } = await import('../../control-plane/follow.js');
  const result = await followRollout(client, {
    name,
    intentId: applied.intent,
    sinceSeq: applied.auditSeq,
    previousRolloutId,
    json: values.json === true,
    out: say,
    timeoutMs: timeoutSeconds * 1000,
    signal: stop.signal,
  });
  if (values.json) say(JSON.stringify({ name, ...result }));
  else say(outcomeLine(name, result));
  return result.outcome === 'Complete' || result.outcome === 'Unchanged' || result.outcome === 'Detached'
    ? 0
    : 1;
}

function outcomeLine(
  name: string,
  r: { outcome: string; reason: string | null; rolloutId: number | null },
): string {
  const why = r.reason ? `: ${r.reason}` : '';
  switch (r.outcome) {
    case 'Complete':
      return `rollout #${r.rolloutId} of ${name} is complete`;
    case 'Unchanged':
      return `nothing to roll out for ${name}${why}`;
    case 'Refused':
      return `the controller refused the spec${why}`;
    case 'Detached':
      return `stopped following ${name}; the rollout continues (greenlight status ${name})`;
    default:
      return `rollout #${r.rolloutId} of ${name} ended ${r.outcome}${why}`;
  }
}
