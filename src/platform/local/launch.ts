import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, writeSync } from 'node:fs';
import { GreenlightError } from '../../errors.js';
import type { ColorSpec } from '../../spec/types.js';

/** How one replica is started: the program, its arguments, environment and working directory. */
export interface LaunchPlan {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export type ServerCommand = (serveArgs: string[]) => { command: string; args: string[] };

/** Every `{port}` and `{version}` in one argument (or environment value) of the user's command. */
export function substitute(text: string, port: number, version: string): string {
  return text.replaceAll('{port}', String(port)).replaceAll('{version}', version);
}

/**
 * The slot's own `command` with its placeholders filled, its `env` over the control plane's and
 * its `cwd`; or greenlight's model server on the slot's ONNX file.
 */
export function launchPlan(
  spec: ColorSpec,
  port: number,
  serverCommand: ServerCommand,
  baseEnv: NodeJS.ProcessEnv,
): LaunchPlan {
  if (spec.command) {
    const [command, ...args] = spec.command.map((a) => substitute(a, port, spec.modelVersion));
    const own = Object.entries(spec.env ?? {}).map(([k, v]) => [k, substitute(v, port, spec.modelVersion)]);
    return {
      command,
      args,
      env: { ...baseEnv, ...Object.fromEntries(own) },
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    };
  }
  if (!spec.model) {
    throw new GreenlightError('GL_PLATFORM_SPEC', 'a slot needs model or command on the local platform');
  }
  // No --name: both slots keep the default OIP model name, so the schema gate compares like with like.
  const serveArgs = ['--model', spec.model, '--version', spec.modelVersion, '--port', String(port)];
  return { ...serverCommand(serveArgs), env: { ...baseEnv, ...spec.env } };
}

/** The command line as a reader would type it, for logs and errors. */
export function commandLine(plan: Pick<LaunchPlan, 'command' | 'args'>): string {
  return [plan.command, ...plan.args]
    .map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
}

/**
 * Start the plan as a detached process (its own process group, so it outlives the control plane
 * and stops as a whole) writing to `logFile`. A program that cannot be started at all (not found,
 * not executable, no such working directory) is the slot's fault: GL_PLATFORM_SPEC naming it.
 */
export async function spawnDetached(plan: LaunchPlan, logFile: string, header: string): Promise<number> {
  const fd = openSync(logFile, 'a');
  writeSync(fd, `--- ${new Date().toISOString()} ${header}: ${commandLine(plan)}\n`);
  try {
    const child = spawn(plan.command, plan.args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: plan.env,
      ...(plan.cwd ? { cwd: plan.cwd } : {}),
    });
    if (child.pid === undefined) {
      const err = await new Promise<NodeJS.ErrnoException>((resolve) => child.once('error', resolve));
      const where = plan.cwd ? ` in ${plan.cwd}` : '';
      throw new GreenlightError(
        'GL_PLATFORM_SPEC',
        `cannot start ${commandLine(plan)}${where}: ${err.code ?? err.message}`,
        { cause: err },
      );
    }
    child.on('error', () => {});
    // While this control plane lives it sees the exit and leaves it in the log, where the
    // readiness failure quotes it ("exited with code 3"); a later one reads the log alone.
    child.once('exit', (code, signal) => {
      try {
        appendFileSync(logFile, `[greenlight] exited ${signal ? `on ${signal}` : `with code ${code}`}\n`);
      } catch {
        // the data dir is gone: nobody will read the note
      }
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}
