import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GreenlightError } from '../errors.js';

/** Where the Prometheus server binary is: `PROMETHEUS` env, else the Debian package's path. */
export function prometheusPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return [env.PROMETHEUS, '/usr/bin/prometheus', '/usr/local/bin/prometheus'].find(
    (p): p is string => !!p && existsSync(p),
  );
}

export interface PrometheusServer {
  url: string;
  port: number;
  dir: string;
  /** Everything the server printed (for diagnosing a failed test). */
  output(): string;
  /** SIGTERM (SIGKILL after 5 s) and remove the temporary directory. */
  close(): Promise<void>;
}

export interface StartPrometheusOptions {
  /** prometheus.yml content (see prometheus-config.ts). */
  config: string;
  /** Extra files to place beside the config (e.g. rules.yaml), name → content. */
  files?: Record<string, string>;
  port?: number;
  readyTimeoutMs?: number;
}

/** A free loopback port (bind to 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a real Prometheus on loopback with `config` and a temporary TSDB; resolves once
 * `/-/ready` answers. Throws GL_PROMETHEUS_UNAVAILABLE when the binary is missing or it does not
 * become ready. Tests and local demos use it; production points greenlight at its own Prometheus.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const bin = prometheusPath();
  if (!bin) throw new GreenlightError('GL_PROMETHEUS_UNAVAILABLE', 'prometheus is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-prometheus-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'prometheus.yml'), options.config);
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const append = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exit.then(() => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/-/ready`);
      await res.text();
      if (res.ok) return { url, port, dir, output: () => output, close };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await close();
  throw new GreenlightError('GL_PROMETHEUS_UNAVAILABLE', `prometheus did not become ready:\n${output}`);
}
