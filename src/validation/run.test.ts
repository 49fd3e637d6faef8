import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationSpec } from '../spec/types.js';
import { defaultValidationSpec } from '../spec/validation-defaults.js';
import { type FakeModelServer, startFakeModelServer } from './fake-server.js';
import { runValidation, type ValidationProgress } from './run.js';
import { overallStatus } from './types.js';

function quickSpec(): ValidationSpec {
  const s = defaultValidationSpec();
  s.latency = {
    ...s.latency,
    durationSeconds: 0.3,
    warmupRequests: 2,
    concurrency: 2,
    maxRegressionRatio: 50,
  };
  s.healthCheckWaitSeconds = 1;
  s.healthCheckRetries = 1;
  s.resources.maxRatioToBlue = 50;
  return s;
}

describe('runValidation', () => {
  let blue: FakeModelServer;
  let green: FakeModelServer;
  let dir: string;
  let card: string;
  const samples = Array.from({ length: 200 }, (_, i) => ({
    text: i % 4 === 0 ? `win big ${i}` : `lunch at ${i}`,
  }));
  beforeAll(async () => {
    blue = await startFakeModelServer({ version: 'v1' });
    green = await startFakeModelServer({ version: 'v2' });
    dir = await mkdtemp(join(tmpdir(), 'gl-run-'));
    card = join(dir, 'card.yaml');
    await writeFile(
      card,
      'version: v2\nowner: me\napproved: true\ntraining_data: x\nknown_limitations: [y]\n',
    );
  });
  afterAll(async () => {
    await Promise.all([blue.close(), green.close(), rm(dir, { recursive: true, force: true })]);
  });

  it('runs every gate in order, reports progress, and passes a faithful candidate', async () => {
    const events: ValidationProgress[] = [];
    const results = await runValidation({
      spec: quickSpec(),
      baseline: blue.url,
      candidate: green.url,
      samples,
      candidateCard: card,
      onProgress: (e) => events.push(e),
    });
    expect(results.map((r) => r.gate)).toEqual([
      'health',
      'agreement',
      'schema',
      'distribution',
      'modelCard',
      'latency',
      'resources',
    ]);
    expect(results.map((r) => `${r.gate}:${r.status}`)).toEqual(results.map((r) => `${r.gate}:passed`));
    expect(overallStatus(results)).toBe('passed');
    // the card gate learnt the deployed version from the candidate's answers
    expect(results[4].summary).toContain('version v2 matches');
    expect(events.filter((e) => e.type === 'gate-started')).toHaveLength(7);
    expect(events.some((e) => e.type === 'pairs' && e.compared === 66)).toBe(true);
    // the distribution gate topped the agreement gate's 66 pairs up to the cap (150 < 300)
    expect(results[3].measured.samples).toBe(150);
  });

  it('runs only the configured gates', async () => {
    const spec = { ...quickSpec(), gates: ['agreement', 'modelCard'] as ValidationSpec['gates'] };
    const results = await runValidation({
      spec,
      baseline: blue.url,
      candidate: green.url,
      samples,
      candidateCard: card,
      candidateVersion: 'v3',
    });
    expect(results.map((r) => [r.gate, r.status])).toEqual([
      ['agreement', 'passed'],
      ['modelCard', 'failed'],
    ]);
  });

  it('a candidate that disagrees fails agreement; the failure is data, with examples', async () => {
    const contrarian = await startFakeModelServer({
      version: 'v2',
      predict: (t) => (t.includes('win') ? { label: 'ham', score: 0.9 } : { label: 'ham', score: 0.8 }),
    });
    try {
      const spec = { ...quickSpec(), gates: ['agreement'] as ValidationSpec['gates'] };
      const [r] = await runValidation({ spec, baseline: blue.url, candidate: contrarian.url, samples });
      expect(r.status).toBe('failed');
      expect((r.evidence.disagreements as unknown[]).length).toBeGreaterThan(0);
    } finally {
      await contrarian.close();
    }
  });

  it('when health does not pass, the other gates are reported as not run', async () => {
    const sick = await startFakeModelServer({ ready: false });
    try {
      const results = await runValidation({
        spec: quickSpec(),
        baseline: blue.url,
        candidate: sick.url,
        samples,
      });
      expect(results[0]).toMatchObject({ gate: 'health', status: 'failed' });
      expect(
        results
          .slice(1)
          .every((r) => r.status === 'error' && r.summary === 'not run: the health gate is failed'),
      ).toBe(true);
      expect(sick.requests.predict).toBe(0);
    } finally {
      await sick.close();
    }
  });

  it('takes live shadow pairs from the router when spec.source is shadow (primary = baseline)', async () => {
    const spec = {
      ...quickSpec(),
      source: 'shadow' as const,
      gates: ['agreement', 'distribution'] as ValidationSpec['gates'],
    };
    const asked: number[] = [];
    const router = {
      async shadowPairs(since: number, limit: number) {
        asked.push(since);
        const pairs = Array.from({ length: limit }, (_, k) => {
          const seq = since + k + 1;
          const label = seq % 3 ? 'ham' : 'spam';
          return {
            seq,
            requestId: `r${seq}`,
            time: seq,
            method: 'POST',
            path: '/predict',
            requestBody: JSON.stringify({ text: `t${seq}` }),
            primary: {
              color: 'blue' as const,
              status: 200,
              body: JSON.stringify({ label, score: 0.9 }),
              latencyMs: 1,
            },
            shadow: {
              color: 'green' as const,
              status: 200,
              body: JSON.stringify({ label, score: 0.9 }),
              latencyMs: 1,
            },
          };
        });
        return { pairs, nextSeq: since + limit, dropped: 0 };
      },
    };
    const results = await runValidation({
      spec,
      baseline: blue.url,
      candidate: green.url,
      router,
      shadowSince: 1000,
    });
    expect(
      results.map((r) => r.status),
      results[1].summary,
    ).toEqual(['passed', 'passed']);
    expect(asked[0]).toBe(1000);
    expect(results[0].measured.compared).toBe(66);
    // every agreement result says what its settings need
    expect(results[0].evidence.sampleSize).toMatchObject({ fixedN: 185, recommendedCap: 299 });
  });

  it('uses an injected resource probe instead of /metrics', async () => {
    const spec = { ...quickSpec(), gates: ['latency', 'resources'] as ValidationSpec['gates'] };
    spec.resources = { maxRatioToBlue: 2 };
    const probed: string[] = [];
    const results = await runValidation({
      spec,
      baseline: blue.url,
      candidate: green.url,
      samples,
      resourceProbe: async (role) => {
        probed.push(role);
        return { rssBytes: role === 'candidate' ? 500 * 1024 * 1024 : 100 * 1024 * 1024, cpuPercent: 10 };
      },
    });
    expect(probed.length).toBe(16); // one probe per measured phase: 8 rounds × 2 colors (RSS decides at the first look)
    expect(results[1]).toMatchObject({ gate: 'resources', status: 'failed', evidence: { source: 'probe' } });
    // the probe's CPU is the same for both colors, so CPU per request follows each color's
    // request rate under load, which the machine's noise can push past 2× too: only RSS is certain
    expect(results[1].summary).toContain('RSS 5× [5, 5] baseline, all above 2×');
  });
});
