import { readFile } from 'node:fs/promises';
import { GreenlightError, UsageError } from '../../errors.js';
import { intFlag, parseArgs } from '../args.js';

export const summary = 'check the audit log for edited, deleted or reordered records';
export const usage = `greenlight audit verify [--data-dir D] [--anchor SEQ:HASH] [--file EXPORT.jsonl [--since SEQ]] [--json]

Recomputes every record's hash and link and names the first record that does not verify.
Reads D/greenlight.db directly (works while the control plane runs).

  --data-dir D        data directory (default $GREENLIGHT_DATA_DIR or ./.greenlight)
  --anchor SEQ:HASH   a record hash kept outside this machine (e.g. from an earlier --json run);
                      catches truncation by someone who could also rewrite the log's head
  --file F            verify an export (greenlight audit export) instead of the database
  --since SEQ         the export was made with --since SEQ: it starts at record SEQ+1, whose link
                      to the record before it is taken on trust
  --json              {"ok", "records", "firstBad"?, "head"?} on stdout

exit 0 intact, 1 tampered (the first bad record is named), 2 error`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    'data-dir': { type: 'string' },
    anchor: { type: 'string' },
    file: { type: 'string' },
    since: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const anchor = values.anchor === undefined ? undefined : parseAnchor(values.anchor);
  const { verifyChain } = await import('../../store/audit.js');

  let report: { ok: boolean; records: number; firstBad?: { seq: number; reason: string }; head?: unknown };
  if (values.file !== undefined) {
    const records = await readExport(values.file);
    // The start is what the user says, never the file's first line: else deleting it would pass.
    report = verifyChain(records, {
      anchor,
      startSeq: intFlag('since', values.since, 0, 0, Number.MAX_SAFE_INTEGER) + 1,
    });
  } else {
    const { openStore } = await import('../../store/sqlite-store.js');
    const { dbPath, resolveDataDir } = await import('../../store/data-dir.js');
    const store = openStore(dbPath(resolveDataDir(values['data-dir'])), { mustExist: true });
    try {
      report = store.verifyAudit({ anchor });
      // A deleted head is reported by verify (exit 1), not an error here.
      if (report.ok) report.head = store.auditHead();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err;
      // damaged pages name no record: an error (exit 2), for a backup or an export to settle
      throw new GreenlightError(
        'GL_STORE_CORRUPT',
        `cannot read the audit log in ${store.file}: ${(err as Error).message} (${code})`,
        { cause: err },
      );
    } finally {
      store.close();
    }
  }

  if (values.json) {
    console.log(JSON.stringify(report));
  } else if (report.ok) {
    const head = report.head as { count: number; lastHash: string } | undefined;
    console.log(`audit log intact: ${report.records} records verified`);
    if (head)
      console.log(`head: ${head.count}:${head.lastHash}  (keep this elsewhere; pass it as --anchor later)`);
  } else {
    console.log(`audit log TAMPERED at record ${report.firstBad?.seq}: ${report.firstBad?.reason}`);
  }
  return report.ok ? 0 : 1;
}

function parseAnchor(text: string): { seq: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (!m)
    throw new UsageError(
      `--anchor expects SEQ:HASH (a record number and its 64-hex-digit hash), got ${JSON.stringify(text)}`,
    );
  return { seq: Number(m[1]), hash: m[2] };
}

async function readExport(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GreenlightError(
      'GL_FILE_NOT_FOUND',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`,
    );
  }
  const { toAuditRecord } = await import('../../store/export.js');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => toAuditRecord(line, i + 1, file));
}
