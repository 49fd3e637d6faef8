import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import { runCli } from '../../testing/cli.js';

let root: string;

/** A data dir with `n` audit records over two deployments. */
function dataDir(name: string, n = 6): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const store = openStore(join(dir, 'greenlight.db'));
  for (let i = 1; i <= n; i++) {
    store.appendAudit({
      deployment: i % 3 === 0 ? 'other' : 'spam',
      rolloutId: 1,
      kind: 'transition',
      actor: 'controller',
      data: { i, phase: `P${i}` },
    });
  }
  store.close();
  return dir;
}

function tamper(dir: string, sql: string): void {
  const db = new Database(join(dir, 'greenlight.db'));
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  db.exec(sql);
  db.close();
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gl-audit-cli-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('greenlight audit verify', () => {
  it('exits 0 on an intact log and prints the head to anchor it', async () => {
    const dir = dataDir('ok');
    const text = await runCli(['audit', 'verify', '--data-dir', dir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/intact: 6 records/);
    const json = await runCli(['audit', 'verify', '--json'], {
      env: { ...process.env, GREENLIGHT_DATA_DIR: dir },
    });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      ok: true,
      records: 6,
      head: { count: 6, lastHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    const anchored = await runCli([
      'audit',
      'verify',
      '--data-dir',
      dir,
      '--anchor',
      `6:${report.head.lastHash}`,
    ]);
    expect(anchored.code, anchored.stderr).toBe(0);
  });

  it('exits 1 naming the first bad record: edited, deleted in the middle, deleted last', async () => {
    const edited = dataDir('edited');
    tamper(edited, `UPDATE audit SET data = '{"i":4,"phase":"Complete"}' WHERE seq = 4`);
    const a = await runCli(['audit', 'verify', '--data-dir', edited]);
    expect([a.code, a.stdout.trim()]).toEqual([1, 'audit log TAMPERED at record 4: hash mismatch']);

    const gap = dataDir('gap');
    tamper(gap, 'DELETE FROM audit WHERE seq = 2');
    const b = await runCli(['audit', 'verify', '--data-dir', gap, '--json']);
    expect(b.code, b.stderr).toBe(1);
    expect(JSON.parse(b.stdout).firstBad).toEqual({ seq: 2, reason: 'gap: record 2 missing' });

    const last = dataDir('last');
    const anchor = JSON.parse((await runCli(['audit', 'verify', '--data-dir', last, '--json'])).stdout).head;
    tamper(last, 'DELETE FROM audit WHERE seq = 6');
    const c = await runCli([
      'audit',
      'verify',
      '--data-dir',
      last,
      '--anchor',
      `${anchor.count}:${anchor.lastHash}`,
    ]);
    expect(c.code, c.stderr).toBe(1);
    expect(c.stdout).toContain('record 6: truncated');
  });

  it('exits 2 on errors: no database, a malformed anchor', async () => {
    const none = await runCli(['audit', 'verify', '--data-dir', join(root, 'nowhere')]);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toContain('GL_STORE_OPEN');
    const bad = await runCli(['audit', 'verify', '--data-dir', dataDir('anchor'), '--anchor', 'seven']);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--anchor expects SEQ:HASH');
  });
});

describe('greenlight audit verify on a file that is no readable greenlight database', () => {
  /** Exit 2 (an error, never 1 "tampered"), one line on stderr with the code, no stack. */
  async function expectOneLineError(dir: string, code: string) {
    const r = await runCli(['audit', 'verify', '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^greenlight audit verify: .*\\[${code}\\]\n$`));
  }
  function withDb(name: string, bytes: Buffer | string): string {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'greenlight.db'), bytes);
    return dir;
  }

  it('text, random bytes, an empty file: not a database', async () => {
    await expectOneLineError(
      withDb('text', 'these are not the droids you are looking for\n'),
      'GL_STORE_OPEN',
    );
    const noise = Buffer.alloc(8192);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 251;
    await expectOneLineError(withDb('noise', noise), 'GL_STORE_OPEN');
    await expectOneLineError(withDb('empty', ''), 'GL_STORE_OPEN');
  });

  it('a SQLite database of something else: refused, and left as it was', async () => {
    const dir = join(root, 'foreign');
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, 'greenlight.db'));
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    await expectOneLineError(dir, 'GL_STORE_OPEN');
    const after = new Database(join(dir, 'greenlight.db'), { readonly: true });
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    after.close();
    expect(tables).toEqual([{ name: 'notes' }]);
  });

  it('a greenlight database with a damaged page of audit records', async () => {
    const dir = dataDir('damaged', 300);
    const file = join(dir, 'greenlight.db');
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(21 * 4096); // the audit table spans the pages below
    bytes.fill(0xab, 20 * 4096, 21 * 4096);
    writeFileSync(file, bytes);
    await expectOneLineError(dir, 'GL_STORE_CORRUPT');
  });
});

describe('greenlight audit export', () => {
  it('writes JSON lines that verify away from the database, and catches an edited export', async () => {
    const dir = dataDir('export');
    const all = await runCli(['audit', 'export', '--data-dir', dir]);
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Object.keys(JSON.parse(lines[0]))).toEqual([
      'seq',
      'time',
      'deployment',
      'rolloutId',
      'kind',
      'actor',
      'data',
      'prevHash',
      'hash',
    ]);

    const file = join(root, 'export.jsonl');
    writeFileSync(file, all.stdout);
    expect((await runCli(['audit', 'verify', '--file', file])).code).toBe(0);

    const edited = readFileSync(file, 'utf8').replace('"phase":"P3"', '"phase":"Complete"');
    writeFileSync(file, edited);
    const bad = await runCli(['audit', 'verify', '--file', file]);
    expect([bad.code, bad.stdout.trim()]).toEqual([1, 'audit log TAMPERED at record 3: hash mismatch']);

    // Dropping the first line of an export is a gap, not a new start.
    writeFileSync(file, `${lines.slice(1).join('\n')}\n`);
    expect((await runCli(['audit', 'verify', '--file', file])).stdout).toContain('gap: record 1 missing');
    expect((await runCli(['audit', 'verify', '--file', file, '--since', '1'])).code).toBe(0);
  });

  it('filters by deployment and resumes after a seq', async () => {
    const dir = dataDir('filter');
    const spam = await runCli(['audit', 'export', '--data-dir', dir, '--deployment', 'other']);
    expect(
      spam.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([3, 6]);
    const since = await runCli(['audit', 'export', '--data-dir', dir, '--since', '4', '--limit', '1']);
    expect(
      since.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).seq),
    ).toEqual([5]);
  });
});
