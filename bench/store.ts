/**
 * `npm run bench -- store [--records N] [--dir DIR]`
 *
 * What durability costs: audit appends per second with synchronous=FULL in WAL mode (each append
 * is its own transaction, as a transition and its audit record are), and how fast
 * `audit verify` re-hashes a log. DIR defaults to the OS temp dir; point it at the disk the
 * data directory will live on, since fsync latency is the whole story.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/sqlite-store.js';

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { records: { type: 'string' }, dir: { type: 'string' } } });
  const n = Number(values.records ?? 2000);
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'gl-bench-store-'));
  try {
    const store = openStore(join(dir, 'greenlight.db'));
    const data = {
      phase: 'Validating',
      gate: 'agreement',
      measured: { agreement: 0.981, lower: 0.962 },
      n: 150,
    };
    let t = performance.now();
    for (let i = 0; i < n; i++) {
      store.appendAudit({
        deployment: 'spam',
        rolloutId: 1,
        kind: 'transition',
        actor: 'controller',
        data: { ...data, i },
      });
    }
    const appendMs = performance.now() - t;
    t = performance.now();
    const v = store.verifyAudit();
    const verifyMs = performance.now() - t;
    store.close();
    console.log(
      JSON.stringify({
        records: n,
        appendsPerSecond: Math.round((n / appendMs) * 1000),
        meanAppendUs: Math.round((appendMs / n) * 1000),
        verifyRecordsPerSecond: Math.round((v.records / verifyMs) * 1000),
        verifyOk: v.ok,
      }),
    );
    return v.ok ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
