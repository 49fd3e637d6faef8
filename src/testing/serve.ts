import type { ChildProcess } from 'node:child_process';
import { spawnCli } from './cli.js';

export interface ServedModel {
  url: string;
  child: ChildProcess;
}

/** `greenlight serve` on a model file as a child process (its own event loop and RSS, as in production). */
export function serveModel(model: string, version: string): Promise<ServedModel> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(['serve', '--model', model, '--version', version, '--port', '0']);
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve ${version} did not start: ${out}`));
    }, 120_000);
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.stderr?.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve ${version} exited ${code}: ${out}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
