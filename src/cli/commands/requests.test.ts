import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouterAdminClient } from '../../router/admin-client.js';
import type { RequestLogLine } from '../../router/request-log.js';
import { send, startUpstream, type Upstream } from '../../router/test-helpers.js';
import { runCli, spawnCli } from '../../testing/cli.js';

/** The first `listening on URL` and `admin on URL` lines of `greenlight route`. */
function urlsOf(child: ReturnType<typeof spawnCli>): Promise<[string, string]> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`router did not start: ${out}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)\nadmin on (http:\/\/\S+)\n/);
      if (m) {
        clearTimeout(timer);
        resolve([m[1], m[2]]);
      }
    });
  });
}

describe('greenlight route --request-log, then greenlight requests', () => {
  let dir: string;
  let blue: Upstream;
  let green: Upstream;
  const file = () => join(dir, 'requests.jsonl');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gl-requests-'));
    blue = await startUpstream('blue', 'v1');
    green = await startUpstream('green', 'v2');
    const child = spawnCli(
      ['route', '--blue', blue.url, '--green', green.url, '--port', '0', '--admin-port', '0'].concat([
        '--request-log',
        file(),
        '--request-log-max-bytes',
        '4096',
        '--request-log-keep',
        '3',
      ]),
      { env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 't' } },
    );
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const [url, adminUrl] = await urlsOf(child);
      for (let i = 0; i < 20; i++) expect((await send(url)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400)); // a batch of its own: the next one rotates the file
      const admin = new RouterAdminClient(adminUrl, 't');
      await admin.switchTo('green');
      for (let i = 0; i < 10; i++) expect((await send(url)).status).toBe(200);
      await admin.close();
    } finally {
      child.kill('SIGTERM');
      await exited; // the router flushes its log on the way out
    }
  }, 90_000);
  afterAll(async () => {
    await blue.close();
    await green.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const json = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RequestLogLine);

  it('reads every line across the rotated files, oldest first', async () => {
    const r = await runCli(['requests', '--file', file(), '--limit', '0', '--json']);
    expect(r.stderr).toBe('');
    const got = json(r.stdout);
    expect(existsSync(`${file()}.1`)).toBe(true);
    expect(got).toHaveLength(30);
    expect(got[0]).toMatchObject({ color: 'blue', version: 'v1', generation: 0, status: 200 });
    expect(got[29]).toMatchObject({ color: 'green', version: 'v2', generation: 1 });
    const starts = got.map((l) => Date.parse(l.start));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('filters by version, color and limit; plain text by default', async () => {
    expect(
      json((await runCli(['requests', '--file', file(), '--version', 'v2', '--json'])).stdout),
    ).toHaveLength(10);
    const blueOnly = json(
      (await runCli(['requests', '--file', file(), '--color', 'blue', '--limit', '5', '--json'])).stdout,
    );
    expect(blueOnly).toHaveLength(5);
    expect(blueOnly.every((l) => l.color === 'blue')).toBe(true);
    const text = (await runCli(['requests', '--file', file(), '--limit', '1'])).stdout.trim().split('\n');
    expect(text).toHaveLength(1);
    expect(text[0]).toMatch(/green\s+v2\s+gen 1\s+200\s+[\d.]+ ms/);
  });

  it('--since: a duration back from now, or a time', async () => {
    expect(
      json((await runCli(['requests', '--file', file(), '--since', '10m', '--json'])).stdout),
    ).toHaveLength(30);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await runCli(['requests', '--file', file(), '--since', future])).stdout).toBe('');
  });

  it('one-line errors: a bad --since, a missing log', async () => {
    const bad = await runCli(['requests', '--file', file(), '--since', 'yesterday']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--since/);
    const missing = await runCli(['requests', '--file', join(dir, 'nope.jsonl')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
