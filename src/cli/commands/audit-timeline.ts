import { UsageError } from '../../errors.js';
import type { ServingInterval } from '../../store/timeline.js';
import { parseArgs } from '../args.js';

export const summary = 'which model version served a deployment when, from the audit log';
export const usage = `greenlight audit timeline NAME [--at TIME] [--data-dir D] [--json]

Answers the compliance question "before time X all requests used v1, after X all used v2"
from the audit log's activate, switch, rollback and weights records (a staged rollout's steps
print each version's share, e.g. "90% v1 (blue), 10% v2 (green)"; run \`greenlight audit verify\` to
prove the log itself is intact). Times are ISO 8601 or milliseconds since the epoch.

  --at TIME      only the version that served at TIME
  --data-dir D   data directory (default $GREENLIGHT_DATA_DIR or ./.greenlight)
  --json         intervals as JSON: [{"color", "version", "shares": [{"color", "version", "percent"}],
                 "from", "until", "seq", "kind", "generation"}]

exit 0 answered, 1 nothing served at that time, 2 error`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, { 'data-dir': { type: 'string' }, at: { type: 'string' } });
  if (positionals.length !== 1)
    throw new UsageError('expects one deployment name: greenlight audit timeline NAME');
  const at = values.at === undefined ? undefined : parseTime(values.at);
  const { openStore } = await import('../../store/sqlite-store.js');
  const { dbPath, resolveDataDir } = await import('../../store/data-dir.js');
  const { servingTimeline, versionAt } = await import('../../store/timeline.js');
  const store = openStore(dbPath(resolveDataDir(values['data-dir'])), { mustExist: true });
  try {
    const intervals =
      at === undefined ? servingTimeline(store, positionals[0]) : [versionAt(store, positionals[0], at)];
    const found = intervals.filter((i) => i !== undefined);
    if (values.json) {
      console.log(JSON.stringify(at === undefined ? found : (found[0] ?? null)));
    } else if (found.length === 0) {
      console.log(`${positionals[0]}: no version served ${at === undefined ? 'yet' : `at ${iso(at)}`}`);
    } else {
      for (const i of found) {
        const until = i.until === null ? 'now' : iso(i.until);
        console.log(
          `${iso(i.from)} → ${until.padEnd(24)}  ${servedBy(i)}  ${i.kind} #${i.seq}, generation ${i.generation}`,
        );
      }
    }
    return found.length > 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

function parseTime(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(n))
    throw new UsageError(`--at expects an ISO 8601 time or epoch milliseconds, got ${JSON.stringify(text)}`);
  return n;
}

/** "v2 (green)", or a staged rollout step's split: "90% v1 (blue), 10% v2 (green)". */
function servedBy(i: ServingInterval): string {
  if (i.shares.length < 2) return `${i.version} (${i.color})`;
  return i.shares.map((s) => `${s.percent}% ${s.version} (${s.color})`).join(', ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
