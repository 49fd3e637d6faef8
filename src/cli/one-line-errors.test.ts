import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopDataPlane } from '../control-plane/down.js';
import { freePort } from '../platform/local/free-port.js';
import { runCli } from '../testing/cli.js';
import { ensureModels } from '../testing/models.js';

/**
 * Whatever ends a command ends it with one line naming the command and a code, and exit 2; a port
 * that is taken is named by its flag. The real CLI, as users run it.
 */
let tmp: string;
let taken: Server;
let port: number;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'gl-errors-'));
  taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  port = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => taken.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

/** Run the CLI; expect exit 2 and exactly one line on stderr, matching `line`. */
async function expectOneLine(args: string[], line: RegExp, env: NodeJS.ProcessEnv = {}) {
  const r = await runCli(args, {
    env: { ...process.env, GREENLIGHT_ADMIN_TOKEN: 'tok', ...env },
    timeoutMs: 60_000,
  });
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  // `up` logs its progress on stdout; stderr has the error alone
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  return r;
}

describe('one-line CLI errors', () => {
  it('route: a taken data-plane or admin port is named by its flag', async () => {
    const backends = ['--blue', 'http://127.0.0.1:9', '--green', ''];
    await expectOneLine(
      ['route', ...backends, '--port', String(port), '--admin-port', '0'],
      new RegExp(
        `^greenlight route: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use .*\\[GL_PORT_IN_USE\\]$`,
      ),
    );
    await expectOneLine(
      ['route', ...backends, '--port', '0', '--admin-port', String(port)],
      new RegExp(
        `^greenlight route: --admin-port ${port}: 127\\.0\\.0\\.1:${port} is already in use .*\\[GL_PORT_IN_USE\\]$`,
      ),
    );
  });

  it('serve: a taken port is named by its flag', async () => {
    const models = await ensureModels();
    await expectOneLine(
      ['serve', '--model', join(models, 'spam-v1.onnx'), '--version', 'v1', '--port', String(port)],
      new RegExp(
        `^greenlight serve: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use .*\\[GL_PORT_IN_USE\\]$`,
      ),
    );
  });

  it('up: a taken API port is named by its flag; a taken traffic port in the one line of the router', async () => {
    const a = join(tmp, 'a');
    try {
      const r = await expectOneLine(
        ['up', '--data-dir', a, '--port', String(port), '--traffic-port', String(await freePort())].concat([
          '--router-admin-port',
          String(await freePort()),
        ]),
        new RegExp(
          `^greenlight up: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use .*\\[GL_PORT_IN_USE\\]$`,
        ),
      );
      expect(r.stdout).toContain('started the router'); // the data plane starts first, and stays
    } finally {
      await stopDataPlane(a);
    }
    const b = join(tmp, 'b');
    try {
      await expectOneLine(
        ['up', '--data-dir', b, '--port', '0', '--traffic-port', String(port)].concat([
          '--router-admin-port',
          String(await freePort()),
        ]),
        new RegExp(
          `^greenlight up: the router did not start \\(traffic port ${port}, .*\\): greenlight route: --port ${port}: 127\\.0\\.0\\.1:${port} is already in use .*\\[GL_PORT_IN_USE\\] \\[GL_DATA_PLANE_START\\]$`,
        ),
      );
    } finally {
      await stopDataPlane(b);
    }
  }, 90_000);

  it('an unexpected error (an API that answers nonsense) is one line with a code, exit 2', async () => {
    const nonsense = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"deployments": 7}');
    });
    await new Promise<void>((r) => nonsense.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(nonsense.address() as { port: number }).port}`;
      const r = await expectOneLine(['status'], /^greenlight status: .+ \[[A-Z][A-Z0-9_]*\]$/, {
        GREENLIGHT_URL: url,
      });
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => nonsense.close(r));
    }
  });
});
