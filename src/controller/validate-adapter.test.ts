import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { createControllerMetrics } from '../metrics/controller-metrics.js';
import { createFakePlatform } from '../platform/fake/fake-platform.js';
import { DEFAULT_OUTPUT, protocolDefaults } from '../spec/server.js';
import type { ValidationInput } from '../validation/run.js';
import { createFakeRouter } from './testing/fake-router.js';
import { gate } from './testing/harness.js';
import { testSpec } from './testing/spec.js';
import { createValidate, type ValidateAdapterDeps } from './validate-adapter.js';
import type { ValidateInput, ValidationProgress } from './validate-input.js';

it('maps the controller’s validate input onto runValidation and its progress back', async () => {
  const seen: ValidationInput[] = [];
  const read: string[] = [];
  const platform = createFakePlatform();
  platform.setResources('spam', 'blue', { rssBytes: 1, cpuPercent: 1 });
  platform.setResources('spam', 'green', { rssBytes: 2, cpuPercent: 2 });
  const validate = createValidate({
    readSamples: async (path) => {
      read.push(path);
      return [{ text: 'hello' }];
    },
    runValidation: async (input) => {
      seen.push(input);
      input.onProgress?.({ type: 'gate-started', gate: 'agreement' });
      input.onProgress?.({ type: 'pairs', compared: 10, agreed: 9, cap: 150 });
      input.onProgress?.({ type: 'gate-finished', result: gate('agreement', 'passed') });
      expect(await input.resourceProbe!('candidate', 5)).toEqual({ rssBytes: 2, cpuPercent: 2 });
      expect(await input.resourceProbe!('baseline', 5)).toEqual({ rssBytes: 1, cpuPercent: 1 });
      return [gate('agreement', 'passed')];
    },
  });
  const spec = testSpec();
  spec.validation.samples = '/data/samples.jsonl';
  const progress: ValidationProgress[] = [];
  const results = await validate({
    deployment: 'spam',
    validation: spec.validation,
    baselineColor: 'blue',
    candidateColor: 'green',
    baselineUrls: ['http://b'],
    candidateUrls: ['http://g0', 'http://g1'],
    baselineVersion: 'v1',
    candidateVersion: 'v2',
    modelCard: '/m/card.yaml',
    pairSource: 'both',
    router: createFakeRouter(),
    shadowSince: 42,
    platform,
    onProgress: (p) => progress.push(p),
    signal: new AbortController().signal,
  });
  expect(results.map((r) => r.status)).toEqual(['passed']);
  expect(read).toEqual(['/data/samples.jsonl']);
  expect(seen[0]).toMatchObject({
    baseline: ['http://b'],
    candidate: ['http://g0', 'http://g1'],
    candidateVersion: 'v2',
    candidateCard: '/m/card.yaml',
    samples: [{ text: 'hello' }],
    shadowSince: 42,
    spec: { source: 'both' },
  });
  expect(progress.map((p) => p.kind)).toEqual(['message', 'samples', 'gate']);
  expect(progress[1]).toEqual({ kind: 'samples', compared: 10, target: 150 });
});

function input(overrides: Partial<ValidateInput> = {}): ValidateInput {
  const spec = testSpec();
  spec.validation.samples = '/data/samples.jsonl';
  return {
    deployment: 'spam',
    validation: spec.validation,
    baselineColor: 'blue',
    candidateColor: 'green',
    baselineUrls: ['http://b'],
    candidateUrls: ['http://g'],
    baselineVersion: 'v1',
    candidateVersion: 'v2',
    pairSource: 'shadow',
    router: createFakeRouter(),
    shadowSince: 7,
    platform: createFakePlatform(),
    onProgress: () => {},
    signal: new AbortController().signal,
    ...overrides,
  };
}

it('reads the samples for the latency gate even when pairs come from shadow traffic only', async () => {
  const seen: ValidationInput[] = [];
  const validate = createValidate({
    readSamples: async () => [{ text: 'for the latency gate' }],
    runValidation: async (i) => {
      seen.push(i);
      return [];
    },
  });
  await validate(input({ pairSource: 'shadow' }));
  expect(seen[0]).toMatchObject({
    samples: [{ text: 'for the latency gate' }],
    shadowSince: 7,
    spec: { source: 'shadow' },
  });
  const noFile = input();
  noFile.validation.samples = undefined;
  await validate(noFile);
  expect(seen[1]?.samples).toBeUndefined();
});

async function pairsTotal(registry: Registry, outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('greenlight_shadow_pairs_total')?.get();
  return (
    metric?.values.find((v) => v.labels.outcome === outcome && v.labels.deployment === 'spam')?.value ?? 0
  );
}

it('counts each compared pair once in greenlight_shadow_pairs_total from the cumulative progress', async () => {
  const registry = new Registry();
  const metrics = createControllerMetrics(registry);
  const events: [number, number][] = [
    [1, 1],
    [2, 1],
    [5, 4],
    [5, 4], // a repeated report adds nothing
    [9, 7],
  ];
  const runValidation: ValidateAdapterDeps['runValidation'] = async (i) => {
    for (const [compared, agreed] of events) i.onProgress?.({ type: 'pairs', compared, agreed, cap: 400 });
    return [];
  };
  const validate = createValidate({ readSamples: async () => [], runValidation, metrics });
  await validate(input());
  expect(await pairsTotal(registry, 'agreed')).toBe(7);
  expect(await pairsTotal(registry, 'disagreed')).toBe(2);
  // A second validation (a retry) starts its own cumulative count: its pairs are added.
  await validate(input());
  expect(await pairsTotal(registry, 'agreed')).toBe(14);
  expect(await pairsTotal(registry, 'disagreed')).toBe(4);
});

it("passes each slot's server section and the output kind through to runValidation", async () => {
  const seen: ValidationInput[] = [];
  const validate = createValidate({
    readSamples: async () => [{ text: 'x' }],
    runValidation: async (i) => {
      seen.push(i);
      return [];
    },
  });
  const baselineServer = protocolDefaults('greenlight');
  const candidateServer = protocolDefaults('oip-v2', 'iris');
  const output = { ...DEFAULT_OUTPUT, kind: 'probabilities' as const };
  await validate(input({ baselineServer, candidateServer, output }));
  expect(seen[0]).toMatchObject({ baselineServer, candidateServer, output });
  await validate(input());
  expect(seen[1].candidateServer).toBeUndefined(); // runValidation's default: greenlight
});
