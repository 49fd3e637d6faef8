import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, shuffledIndices } from '../models/prng.js';
import type { ValidationSpec } from '../spec/types.js';
import { defaultValidationSpec } from '../spec/validation-defaults.js';
import { runCli } from '../testing/cli.js';
import { startCpuHog } from '../testing/cpu-hog.js';
import { startFlipProxy } from '../testing/flip-proxy.js';
import { ensureModels } from '../testing/models.js';
import { serveModel, stopProcess } from '../testing/serve.js';
import { judgeSlices } from './gates/slices.js';
import { createHttpClient } from './http.js';
import { replayPairs } from './pairs/replay.js';
import { readSamples, type Sample } from './pairs/samples-file.js';
import { predictionsAgree, readPrediction } from './prediction.js';
import { runValidation } from './run.js';
import type { GateResult } from './types.js';

/**
 * The seed's defaults — maxRegressionRatio 1.2 included: the latency and resources gates decide on
 * intervals of per-round ratios, so two identical models no longer fail on a noisy pooled P95 —
 * except a 300-pair cap, which is what the sample-size calculation asks for at t 0.95, δ 0.02,
 * α 0.05, β 0.2 (299; `greenlight spec check` says so for the seed's 150).
 */
function spec(gates: ValidationSpec['gates']): ValidationSpec {
  const s = defaultValidationSpec();
  s.gates = gates;
  s.shadowTrafficSampleSize = 300;
  s.latency = { ...s.latency, warmupRequests: 30 };
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
    const s = await serveModel(join(dir, `spam-${name}.onnx`), name);
    children.push(s.child);
    return s.url;
  };

  beforeAll(async () => {
    dir = await ensureModels();
    samples = await readSamples(join(dir, 'samples.jsonl'));
    blue = await serveModel(join(dir, 'spam-v1.onnx'), 'v1');
  });
  afterAll(async () => {
    await Promise.all([stopProcess(blue?.child), ...children.map(stopProcess)]);
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
    // Latency may honestly be inconclusive when the host is loaded many times over (see the CPU
    // hog case below); every other gate, and latency's interval, must not fail v2.
    const latency = results.find((r) => r.gate === 'latency');
    expect(['passed', 'inconclusive'], summary).toContain(latency?.status);
    expect(
      results.filter((r) => r.gate !== 'latency').map((r) => r.status),
      summary,
    ).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
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
    expect(r.latency.measured.ratioLower as number).toBeGreaterThan(1.2);
    expect(r.resources.status, r.resources.summary).toBe('failed');
  });

  it('v3-skewed fails distribution; agreement names html as the worst slice; over the whole held-out set its html slice fails BH', async () => {
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
    // html agrees ~86% with v1 (its card): over the ~40 html pairs a stratified run of this size
    // takes, that is at the edge of what a slice test can show, so the agreement gate may pass;
    // the distribution gate is what stops this candidate, and the slice table points at html.
    expect(r.agreement.measured.worstSlice, r.agreement.summary).toBe('html');

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

  // On a CI machine with the hog as the only other load this passes (the bench measures the
  // rate); where the host is loaded several times over (load average 12 on 2 cores measured while
  // this was written), the P95 interval of two identical models may still straddle 1.2 after 20
  // rounds. Then the gate says inconclusive — the honest answer — and never failed, which is
  // what this asserts for latency; CPU per request decides in every run.
  it('spam-v2 passes resources and is never failed on latency at the seed’s 1.2 while the machine runs a CPU hog', async () => {
    const green = await candidate('v2');
    // A freshly started candidate is measured against a blue that has served every test so far:
    // under the hog, V8's background compilation of the new process is starved, and its CPU per
    // request once read 1.45× [1.31, 1.63] of blue's after 30 warm-up requests — the cost of a cold
    // process, not of the model. Warm it as the rollout's WarmingUp phase would.
    const hogSpec = spec(['latency', 'resources']);
    hogSpec.latency.warmupRequests = 1000;
    const hog = await startCpuHog(2);
    try {
      const r = byGate(
        await runValidation({
          spec: hogSpec,
          baseline: blue!.url,
          candidate: green,
          samples,
        }),
      );
      expect(['passed', 'inconclusive'], r.latency.summary).toContain(r.latency.status);
      expect(r.resources.status, r.resources.summary).toBe('passed');
      expect(r.latency.threshold.ratio).toBe(1.2);
      expect(r.latency.measured.ratioLower as number, r.latency.summary).toBeLessThanOrEqual(1.2);
    } finally {
      await hog.stop();
    }
  });

  it('a candidate that flips the labels of one 4% slice fails agreement whatever the order of the samples file', async () => {
    // 47 of the 1,171 held-out e-mails (4%) form slice "rare"; the candidate is spam-v1 itself
    // behind a proxy that flips exactly those answers.
    const rare = new Set(
      samples
        .filter((s) => s.slice === 'html')
        .slice(0, 47)
        .map((s) => s.text),
    );
    const sliced: Sample[] = samples.map((s) => (rare.has(s.text) ? { ...s, slice: 'rare' } : s));
    const proxy = await startFlipProxy(blue!.url, rare);
    try {
      const bySlice = (s: Sample) => s.slice ?? '';
      const sorted = [...sliced].sort((a, b) =>
        bySlice(a) < bySlice(b) ? -1 : bySlice(a) > bySlice(b) ? 1 : 0,
      );
      const orders: Record<string, Sample[]> = {
        'sorted by slice (rare last)': sorted,
        'slice first': [
          ...sliced.filter((s) => s.slice === 'rare'),
          ...sliced.filter((s) => s.slice !== 'rare'),
        ],
        'slice last': [
          ...sliced.filter((s) => s.slice !== 'rare'),
          ...sliced.filter((s) => s.slice === 'rare'),
        ],
        shuffled: [...shuffledIndices(sliced.length, createRandom(9))].map((i) => sliced[i]),
      };
      const compared: number[] = [];
      for (const [name, file] of Object.entries(orders)) {
        const [r] = await runValidation({
          spec: spec(['agreement']),
          baseline: blue!.url,
          candidate: proxy.url,
          samples: file,
        });
        expect(r.status, `${name}: ${r.summary}`).toBe('failed');
        expect(r.summary, name).toMatch(/^slice "rare" agrees 0% over \d+ pairs/);
        const rareVerdict = (r.evidence.slices as { slice: string; failed: boolean }[]).find(
          (v) => v.slice === 'rare',
        );
        expect(rareVerdict?.failed, name).toBe(true);
        compared.push(r.measured.compared as number);
      }
      // The replay order is a function of the samples, not of their rows: the very same run each time.
      expect(new Set(compared).size, compared.join(', ')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a candidate without an approved card fails the card gate; without any card the gate is skipped', async () => {
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
    // the controller's call: the spec asked for the gate, so no card fails it
    expect(none[0]).toMatchObject({ status: 'failed', summary: 'no model card given for the candidate' });
    // greenlight validate's: no card given, so the gate has no input and is skipped, not failed
    const skipped = await runValidation({
      spec: spec(['modelCard']),
      baseline: blue!.url,
      candidate: blue!.url,
      samples,
      skipGatesWithoutInput: true,
    });
    expect(skipped[0]).toMatchObject({
      status: 'skipped',
      summary: 'skipped: no model card given for the candidate',
    });
  });
});
