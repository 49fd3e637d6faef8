import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonServer, startJsonServer } from '../../protocols/testing/json-server.js';
import { protocolDefaults } from '../../spec/server.js';
import type { DeploymentSpec } from '../../spec/types.js';
import type { RolloutRecord } from '../../store/types.js';
import { testSpec } from '../testing/spec.js';
import type { StepInput } from './step.js';
import { warmUp } from './warm-up.js';

describe('warm-up step', () => {
  let server: JsonServer;
  let dir: string;
  beforeAll(async () => {
    server = await startJsonServer(({ method, path }) =>
      method === 'POST' ? { body: { path } } : undefined,
    );
    dir = await mkdtemp(join(tmpdir(), 'gl-warmup-'));
  });
  afterAll(() => Promise.all([server.close(), rm(dir, { recursive: true, force: true })]));

  const run = (spec: DeploymentSpec) =>
    warmUp({
      deps: {},
      ctx: { candidateUrls: [server.url] },
      spec,
      rollout: { candidate: 'green', baseline: 'blue' } as RolloutRecord,
    } as unknown as StepInput);

  it("greenlight's protocol: short texts to /predict", async () => {
    server.requests.length = 0;
    const r = await run(testSpec());
    expect(r).toMatchObject({ event: 'warmedUp', context: { warmup: { sent: 3, failed: 0 } } });
    expect(server.requests.map((q) => q.path)).toEqual(['/predict', '/predict', '/predict']);
    expect(server.requests[0].body).toEqual({ text: expect.any(String) });
  });

  it("another protocol: the spec's samples, encoded by the candidate slot's protocol", async () => {
    server.requests.length = 0;
    const samples = join(dir, 's.jsonl');
    await writeFile(samples, '{"input":[1,2]}\n{"input":[3,4]}\n');
    const spec = testSpec();
    spec.validation.samples = samples;
    spec.green.server = protocolDefaults('tfserving', 'house');
    const r = await run(spec);
    expect(r).toMatchObject({ context: { warmup: { sent: 3, failed: 0 } } });
    expect(server.requests.map((q) => [q.path, q.body])).toEqual([
      ['/v1/models/house:predict', { instances: [[1, 2]] }],
      ['/v1/models/house:predict', { instances: [[3, 4]] }],
      ['/v1/models/house:predict', { instances: [[1, 2]] }],
    ]);
  });

  it('another protocol without samples: nothing is sent and the audit says why', async () => {
    server.requests.length = 0;
    const spec = testSpec();
    spec.green.server = protocolDefaults('oip-v2');
    const r = await run(spec);
    expect(r).toMatchObject({
      context: { warmup: { sent: 0, failed: 0 } },
      audit: { skipped: 'no samples file to take oip-v2 inputs from' },
    });
    expect(server.requests).toEqual([]);
  });
});
