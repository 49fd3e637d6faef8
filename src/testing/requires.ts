import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The one way a test skips for a missing package: loudly (a `!! SKIPPING` line in the run's
 * output, naming what is missing and how to install it), never silently. Use as
 * `describe.skipIf(missing(...))`. `.ci/run` installs everything, so CI skips nothing.
 */
export function missing(available: boolean, what: string, install: string): boolean {
  if (!available) console.warn(`!! SKIPPING ${what}: not available here (${install})`);
  return !available;
}

/** Is `command` on PATH (or an existing absolute path)? */
export function hasCommand(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian's Python: its packages (python3-fastapi, python3-sklearn, python3-onnx …) are seen by it, not by a pyenv python3. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Can Debian's python import every one of `modules`? */
export function hasPythonModules(...modules: string[]): boolean {
  if (!existsSync(DEBIAN_PYTHON)) return false;
  try {
    execFileSync(DEBIAN_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
