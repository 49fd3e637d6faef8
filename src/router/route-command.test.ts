import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../testing/cli.js';
import { RouterAdminClient } from './admin-client.js';
import { send, startUpstream, type Upstream } from './test-helpers.js';

/** Read lines from the child until `pattern` matches (bounded by a timeout). */
function waitForLine(child: ReturnType<typeof spawnCli>, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${out}`)), 30_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out} ${err}`)));
  });
}

describe('greenlight route', () => {
  let blue: Upstream;
  let green: Upstream;

  beforeAll(async () => {
    blue = await startUpstream('blue', 'v1');
    green = await startUpstream('green', 'v2');
  });
  afterAll(async () => {
    await blue.close();
    await green.close();
  });

  it('runs the router, switches over the admin API, and exits cleanly on SIGTERM', async () => {
    const child = spawnCli(
      ['route', '--blue', blue.url, '--green', green.url, '--port', '0', '--admin-port', '0'],
      {
        env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 'cli-token' },
      },
    );
    try {
      const [, url, adminUrl] = await waitForLine(
        child,
        /listening on (http:\/\/\S+)\nadmin on (http:\/\/\S+)\n/,
      );
      expect((await send(url)).headers['x-greenlight-color']).toBe('blue');
      const client = new RouterAdminClient(adminUrl, 'cli-token');
      expect((await client.switchTo('green')).generation).toBe(1);
      expect((await send(url)).headers['x-greenlight-color']).toBe('green');
      await client.close();
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses to start without an admin token', async () => {
    const env = { ...process.env };
    delete env.GREENLIGHT_ADMIN_TOKEN;
    const r = await runCli(
      ['route', '--blue', blue.url, '--green', green.url, '--port', '0', '--admin-port', '0'],
      { env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('GREENLIGHT_ADMIN_TOKEN');
  });

  it('refuses an --admin-nice outside -20..19', async () => {
    const r = await runCli(
      [
        'route',
        '--blue',
        blue.url,
        '--green',
        green.url,
        '--port',
        '0',
        '--admin-port',
        '0',
        '--admin-nice=-21',
      ],
      { env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 't' } },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--admin-nice');
  });

  it('refuses a bad --admin-port before anything listens, and exits', async () => {
    const r = await runCli(
      ['route', '--blue', blue.url, '--green', green.url, '--port', '0', '--admin-port', 'eighty'],
      { env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 't' }, timeoutMs: 20_000 },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--admin-port');
  });

  it('stops its data plane and exits when the admin port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as net.AddressInfo).port;
      const r = await runCli(
        ['route', '--blue', blue.url, '--green', green.url, '--port', '0', '--admin-port', String(port)],
        { env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 't' }, timeoutMs: 20_000 },
      );
      // killed by the timeout (code null) would mean the router kept the process alive
      expect(r.code).not.toBeNull();
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(String(port));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
