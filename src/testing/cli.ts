import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the compiled launcher; tests spawn the real CLI, as users do. */
export const CLI = fileURLToPath(
  new URL('../../bin/greenlight.js', import.meta.url).href.replace('/dist/', '/'),
);

/** Repository root (works from src/ under vitest and from dist/src/ when compiled). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url).href.replace('/dist/', '/'));

/** Spawn `greenlight ...args`. */
export function spawnCli(args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Run `greenlight ...args` to completion and collect its output. */
export function runCli(
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
