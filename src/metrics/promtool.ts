import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where promtool is: `PROMTOOL` env, else the Debian package's path; undefined when absent. */
export function promtoolPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.PROMTOOL, '/usr/bin/promtool', '/usr/local/bin/promtool'];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

export interface PromtoolResult {
  ok: boolean;
  /** stdout + stderr, for assertion messages. */
  output: string;
}

/** Run promtool with `args`, feeding `stdin`; resolves with its verdict (never rejects on exit code). */
export function runPromtool(args: string[], stdin?: string): Promise<PromtoolResult> {
  const bin = promtoolPath();
  if (!bin) return Promise.resolve({ ok: false, output: 'promtool not found' });
  return new Promise((resolve) => {
    const child = execFile(bin, args, { timeout: 60_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(stdin ?? '');
  });
}

/**
 * `promtool check metrics` on an exposition-format text. `problems` lists lint findings (one per
 * line, "name: what"); empty means clean.
 */
export async function lintMetrics(text: string): Promise<PromtoolResult & { problems: string[] }> {
  const result = await runPromtool(['check', 'metrics'], text);
  const problems = result.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return { ...result, problems: result.ok ? [] : problems };
}
