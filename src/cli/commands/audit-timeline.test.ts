import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../store/sqlite-store.js';
import { runCli } from '../../testing/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gl-timeline-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('greenlight audit timeline', () => {
  it('lists who served when, and answers for one instant', async () => {
    const store = openStore(join(dir, 'greenlight.db'));
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const sw = (kind: string, to: string, toVersion: string, generation: number, switchedAt: number) =>
      store.appendAudit({
        deployment: 'spam',
        rolloutId: 1,
        kind,
        actor: 'controller',
        data: { from: null, to, fromVersion: null, toVersion, generation, switchedAt },
      });
    sw('switch', 'blue', 'v1', 1, t0);
    sw('switch', 'green', 'v2', 2, t0 + 60_000);
    store.close();

    const all = await runCli(['audit', 'timeline', 'spam', '--data-dir', dir]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^2026-01-01T00:00:00.000Z → 2026-01-01T00:01:00.000Z\s+v1 \(blue\)\s+switch #1, generation 1$/,
      ),
      expect.stringMatching(/^2026-01-01T00:01:00.000Z → now\s+v2 \(green\)\s+switch #2, generation 2$/),
    ]);
    const at = await runCli([
      'audit',
      'timeline',
      'spam',
      '--data-dir',
      dir,
      '--at',
      '2026-01-01T00:00:59.999Z',
      '--json',
    ]);
    expect(JSON.parse(at.stdout)).toMatchObject({ version: 'v1', color: 'blue', until: t0 + 60_000 });
    const before = await runCli(['audit', 'timeline', 'spam', '--data-dir', dir, '--at', String(t0 - 1)]);
    expect(before.code, before.stderr).toBe(1);
  });
});
