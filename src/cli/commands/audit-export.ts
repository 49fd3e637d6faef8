import { once } from 'node:events';
import { UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';

export const summary = 'print audit records as JSON lines';
export const usage = `greenlight audit export [--data-dir D] [--deployment NAME] [--since SEQ] [--limit N]

Writes audit records, oldest first, one JSON object per line:
{"seq", "time", "deployment", "rolloutId", "kind", "actor", "data", "prevHash", "hash"}.
Reads D/greenlight.db directly (works while the control plane runs). A full export can be
checked later, away from this machine, with \`greenlight audit verify --file\`.

  --data-dir D        data directory (default $GREENLIGHT_DATA_DIR or ./.greenlight)
  --deployment NAME   only this deployment's records
  --since SEQ         only records after seq SEQ (resume an earlier export)
  --limit N           at most N records`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    'data-dir': { type: 'string' },
    deployment: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const sinceSeq = intFlag('since', values.since, 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = intFlag('limit', values.limit, Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER);
  const { openStore } = await import('../../store/sqlite-store.js');
  const { dbPath, resolveDataDir } = await import('../../store/data-dir.js');
  const { toExportLine } = await import('../../store/export.js');
  const store = openStore(dbPath(resolveDataDir(values['data-dir'])), { mustExist: true });
  try {
    let n = 0;
    let chunk = '';
    for (const record of store.iterateAudit({ deployment: values.deployment, sinceSeq })) {
      if (n++ >= limit) break;
      chunk += `${toExportLine(record)}\n`;
      // Stream in chunks and respect backpressure: an audit log can outgrow memory.
      if (chunk.length > 64 * 1024) {
        if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        chunk = '';
      }
    }
    if (chunk) process.stdout.write(chunk);
  } finally {
    store.close();
  }
  return 0;
}
