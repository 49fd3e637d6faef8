import { type ChildProcess, spawn } from 'node:child_process';
import { stopProcess } from './serve.js';

/**
 * `count` processes that spin a core each until stopped: the "machine also runs something else"
 * of a shared host. Resolves once every one has started spinning (it says so on stdout).
 */
export async function startCpuHog(count: number): Promise<{ stop(): Promise<void> }> {
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          children.push(child);
          child.once('error', reject);
          child.stdout?.once('data', () => resolve());
        }),
    ),
  );
  return { stop: () => Promise.all(children.map((c) => stopProcess(c))).then(() => undefined) };
}
