import { expect, it } from 'vitest';
import { createFakePlatform } from '../platform/fake/fake-platform.js';
import type { ValidationInput } from '../validation/run.js';
import { createFakeRouter } from './testing/fake-router.js';
import { gate } from './testing/harness.js';
import { testSpec } from './testing/spec.js';
import { createValidate } from './validate-adapter.js';
import type { ValidationProgress } from './validate-input.js';

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
