/**
 * `npm run bench -- warm-rollback [--runs N] [--concurrency C] [--replicas R] [--warm N] [--dir DIR]`
 *
 * The seed's cheaper observation (spec.observation.baselineReplicas): after the switch the
 * previous slot runs only N warm replicas; an error-rate breach then rolls back under load. Real
 * parts on loopback: the local platform's model-server processes (the stand-in server, no ONNX
 * Runtime), the in-process router carrying C closed-loop users, the controller on SQLite. Reports
 * the time from the start of the breach pass to traffic back on the previous slot, to the slot
 * back at its R replicas, and failed user requests over the whole run (target 0).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runWarmRollback, type WarmRollbackRun } from '../src/controller/testing/warm-rollback.js';

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const r2 = (x: number) => Math.round(x * 100) / 100;

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      replicas: { type: 'string' },
      warm: { type: 'string' },
      dir: { type: 'string' },
    },
  });
  const runs = Number(values.runs ?? 5);
  const opts = {
    concurrency: Number(values.concurrency ?? 8),
    replicas: Number(values.replicas ?? 2),
    baselineReplicas: Number(values.warm ?? 1),
  };
  const results: WarmRollbackRun[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'gl-bench-warm-'));
    try {
      results.push(await runWarmRollback({ dir, ...opts }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const stat = (xs: number[]) => ({ p50: r2(pct(xs, 0.5)), max: r2(Math.max(...xs)) });
  console.log(
    JSON.stringify({
      runs,
      ...opts,
      breachToTrafficBackMs: stat(results.map((r) => r.breachToTrafficBackMs)),
      breachToScaledBackMs: stat(results.map((r) => r.breachToScaledBackMs)),
      requests: results.reduce((s, r) => s + r.requests, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      candidateAfterRollback: results.reduce((s, r) => s + r.candidateAfterRollback, 0),
      warmReplicasWhileObserving: results.map((r) => r.baselineReplicas.observing),
    }),
  );
  return results.every((r) => r.failed === 0 && r.candidateAfterRollback === 0) ? 0 : 1;
}
