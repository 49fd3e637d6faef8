import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationSpec } from '../spec/types.js';
import { runCli, spawnCli } from '../testing/cli.js';
import { ensureModels } from '../testing/models.js';
import { defaultValidationSpec } from './defaults.js';
import { judgeSlices } from './gates/slices.js';
import { createHttpClient } from './http.js';
import { replayPairs } from './pairs/replay.js';
import { readSamples, type Sample } from './pairs/samples-file.js';
import { predictionsAgree, readPrediction } from './prediction.js';
import { runValidation } from './run.js';
import type { GateResult } from './types.js';

/** `greenlight serve` as a child process (its own event loop and RSS, as in production). */
function serve(model: string, version: string): Promise<{ url: string; child: ChildProcess }> {
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

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The seed's defaults, except: a 300-pair cap (at 150 the v1→v2 pair is inconclusive: its first
 * 150 held-out e-mails agree 146/150, Wilson lower bound 0.942 < 0.95 — see docs/validation.md),
 * a shorter load run to keep the suite lean, and a latency regression ratio of 1.5 instead of the
 * seed's 1.2: v2 runs v1's very graph, yet on a loaded 2-core CI machine, with other test files
 * running beside this one, two identical models' P95s have differed by up to 1.22×; v3-slow
 * measured 2.2–3.4× under the same load, so 1.5 still separates them (as the demo's spec does).
 */
function spec(gates: ValidationSpec['gates']): ValidationSpec {
  const s = defaultValidationSpec();
  s.gates = gates;
  s.shadowTrafficSampleSize = 300;
  s.latency = {
    ...s.latency,
    durationSeconds: 2,
    concurrency: 2,
    warmupRequests: 30,
    maxRegressionRatio: 1.5,
  };
  s.healthCheckWaitSeconds = 5;
  return s;
}

const byGate = (rs: GateResult[]) => Object.fromEntries(rs.map((r) => [r.gate, r]));

describe('validation of the example models served by greenlight serve', () => {
  let dir: string;
  let samples: Sample[];
  let blue: { url: string; child: ChildProcess } | undefined;
  const children: ChildProcess[] = [];
  const candidate = async (name: string) => {
    const s = await serve(join(dir, `spam-${name}.onnx`), name);
    children.push(s.child);
    return s.url;
  };

  beforeAll(async () => {
    dir = await ensureModels();
    samples = await readSamples(join(dir, 'samples.jsonl'));
    blue = await serve(join(dir, 'spam-v1.onnx'), 'v1');
  });
  afterAll(async () => {
    await Promise.all([stop(blue?.child), ...children.map(stop)]);
  });

  it('v1 → v2 passes every gate', async () => {
    const green = await candidate('v2');
    const results = await runValidation({
      spec: spec(defaultValidationSpec().gates),
      baseline: blue!.url,
      candidate: green,
      samples,
      candidateCard: join(dir, 'spam-v2.card.yaml'),
    });
    const summary = results.map((r) => `${r.gate}: ${r.status} — ${r.summary}`).join('\n');
    expect(
      results.map((r) => r.status),
      summary,
    ).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(results.map((r) => r.gate)).toEqual([
      'health',
      'agreement',
      'schema',
      'distribution',
      'modelCard',
      'latency',
      'resources',
    ]);
  });

  it('v3-regressed fails agreement (the SPRT rejects within a few dozen pairs) and its card', async () => {
    const green = await candidate('v3-regressed');
    const r = byGate(
      await runValidation({
        spec: spec(['agreement', 'modelCard']),
        baseline: blue!.url,
        candidate: green,
        samples,
        candidateCard: join(dir, 'spam-v3-regressed.card.yaml'),
      }),
    );
    expect(r.agreement.status, r.agreement.summary).toBe('failed');
    expect(r.agreement.measured.compared as number).toBeLessThan(60);
    expect((r.agreement.evidence.disagreements as unknown[]).length).toBeGreaterThan(0);
    expect(r.modelCard.status).toBe('failed');
    expect(r.modelCard.summary).toContain('approved is false');

    // and the CLI says so with exit 1
    const cli = await runCli([
      'validate',
      '--blue',
      blue!.url,
      '--green',
      green,
      '--samples',
      join(dir, 'samples.jsonl'),
      '--gates',
      'health,agreement,schema',
    ]);
    expect(cli.stdout).toMatch(
      /^FAIL +agreement +agreement \d+\/\d+ = [\d.]+%: SPRT rejected after \d+ pairs$/m,
    );
    expect(cli.stdout).toMatch(/^PASS +schema/m);
    expect(cli.code).toBe(1);
  });

  it('v3-slow fails latency (and resources: CPU per request)', async () => {
    const green = await candidate('v3-slow');
    const r = byGate(
      await runValidation({
        spec: spec(['latency', 'resources']),
        baseline: blue!.url,
        candidate: green,
        samples,
      }),
    );
    expect(r.latency.status, r.latency.summary).toBe('failed');
    expect(r.latency.measured.ratio as number).toBeGreaterThan(1.5);
    expect(r.resources.status, r.resources.summary).toBe('failed');
  });

  it('v3-skewed fails distribution and agreement, naming html as the worst slice; over the whole held-out set its html slice fails BH', async () => {
    const green = await candidate('v3-skewed');
    const r = byGate(
      await runValidation({
        spec: spec(['agreement', 'distribution']),
        baseline: blue!.url,
        candidate: green,
        samples,
      }),
    );
    expect(r.distribution.status, r.distribution.summary).toBe('failed');
    expect(r.agreement.status, r.agreement.summary).toBe('failed');
    expect(r.agreement.measured.worstSlice).toBe('html');

    // The gate stopped early (the SPRT needs few pairs); the per-slice judgement on every held-out
    // e-mail shows the slice itself is bad, and only that one.
    const client = createHttpClient();
    const tally = new Map<string, { n: number; agreed: number }>();
    try {
      for await (const p of replayPairs({
        client,
        baseline: [blue!.url],
        candidate: [green],
        samples,
        concurrency: 4,
      })) {
        const b = readPrediction(p.baseline);
        const c = readPrediction(p.candidate);
        if (!b || !p.slice) continue;
        const t = tally.get(p.slice) ?? { n: 0, agreed: 0 };
        t.n++;
        if (c && predictionsAgree(b, c, 0.05)) t.agreed++;
        tally.set(p.slice, t);
      }
    } finally {
      await client.close();
    }
    const verdicts = judgeSlices(tally, { threshold: 0.95, minSamples: 20, alpha: 0.05 });
    expect(verdicts.map((v) => [v.slice, v.failed])).toEqual([
      ['html', true],
      ['plain', false],
    ]);
  });

  it('a candidate without an approved card fails the card gate', async () => {
    const r = await runValidation({
      spec: spec(['modelCard']),
      baseline: blue!.url,
      candidate: blue!.url,
      samples,
      candidateCard: join(dir, 'spam-v3-skewed.card.yaml'),
      candidateVersion: 'v3-skewed',
    });
    expect(r[0].status).toBe('failed');
    expect(r[0].summary).toContain('approved is false, not true');
    const none = await runValidation({
      spec: spec(['modelCard']),
      baseline: blue!.url,
      candidate: blue!.url,
      samples,
    });
    expect(none[0]).toMatchObject({ status: 'failed', summary: 'no model card given for the candidate' });
  });
});
