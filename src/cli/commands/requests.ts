import { UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';

export const summary = "read a deployment's request log (one line per request the router answered)";
export const usage = `greenlight requests NAME [--since TIME|DURATION] [--version V] [--color blue|green] [--limit N] [--json]
                    [--file PATH] [--data-dir D]

Reads the router's request log (spec.observability.requestLog), rotated files included, oldest
first: arrival time, color, model version, switch generation, status, latency, request id.
The file is found through the control plane (the deployment's spec, else <data dir>/logs/requests.jsonl);
--file reads a log directly.

  --since T      lines that arrived at or after T: an ISO time, or a duration back from now (30s, 5m, 2h)
  --version V    only requests answered by model version V
  --color C      only requests sent to blue or green
  --limit N      the newest N matching lines (default 100; 0 = all)
  --json         JSON lines, as written`;

/** `--since`: an ISO time, or a duration back from `now`. */
function sinceOf(value: string | undefined, now: number, parseDuration: (v: unknown) => number | undefined) {
  if (value === undefined) return undefined;
  const seconds = parseDuration(value);
  if (seconds !== undefined) return now - seconds * 1000;
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new UsageError(`--since expects a time (2026-12-04T21:00:00Z) or a duration (5m), got "${value}"`);
  return t;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    since: { type: 'string' },
    version: { type: 'string' },
    color: { type: 'string' },
    limit: { type: 'string' },
    file: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const name = positionals[0];
  if (!name && !values.file) throw new UsageError('expects a deployment NAME (or --file PATH)');
  const color = values.color;
  if (color !== undefined && color !== 'blue' && color !== 'green')
    throw new UsageError(`--color expects blue or green, got "${color}"`);
  const limit = intFlag('limit', values.limit, 100, 0, Number.MAX_SAFE_INTEGER);
  const { parseDuration } = await import('../../spec/duration.js');
  const since = sinceOf(values.since, Date.now(), parseDuration);
  let path = values.file;
  if (!path) {
    const { createClient } = await import('../client.js');
    const info = await createClient({ dataDir: values['data-dir'] }).get<{
      enabled: boolean;
      path: string | null;
    }>(`/api/deployments/${encodeURIComponent(name)}/request-log`);
    if (!info.enabled || !info.path)
      throw new UsageError(
        `deployment "${name}" has no request log: set spec.observability.requestLog.enabled`,
      );
    path = info.path;
  }
  const { formatRequest, logFiles, readRequests } = await import('../../logging/request-log-reader.js');
  if (logFiles(path).length === 0) throw new UsageError(`no request log at ${path} (no request logged yet?)`);
  const lines = readRequests(path, {
    since,
    version: values.version,
    color: color as 'blue' | 'green' | undefined,
    limit: limit === 0 ? undefined : limit,
  });
  for (const l of lines) console.log(values.json ? JSON.stringify(l) : formatRequest(l));
  return 0;
}
